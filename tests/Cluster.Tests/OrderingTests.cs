using WhatsApp.Cluster.Tests.Infrastructure;

namespace WhatsApp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class OrderingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SendAsync_1000ConcurrentSendsFromBothSides_GetSequences1To1000WithoutGapOrDuplicate()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();

        var sends = Enumerable.Range(0, 1000).Select(i => i % 2 == 0
            ? cluster.Grains.SendAsync(alice, bob, $"message {i}")
            : cluster.Grains.SendAsync(bob, alice, $"message {i}"));
        var acknowledged = await Task.WhenAll(sends);

        var expected = Enumerable.Range(1, 1000).Select(i => (long)i).ToList();
        Assert.Equal(expected, acknowledged.Select(message => message.Sequence).Order());
        var history = await cluster.Grains.HistoryAsync(alice, bob);
        Assert.Equal(expected, history.Select(message => message.Sequence));
        Assert.Equal(acknowledged.Select(m => m.Content).Order(), history.Select(m => m.Content).Order());
    }

    [Fact]
    public async Task GetHistoryAsync_120MessagesInPagesOf50_WalksBackToTheFirstWithoutGapOrRepeat()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        for (var i = 1; i <= 120; i++)
        {
            await cluster.Grains.SendAsync(alice, bob, $"m{i}");
        }

        var conversation = cluster.Grains.Conversation(alice, bob);
        var newest = await conversation.GetHistoryAsync(bob, null, 50);
        var middle = await conversation.GetHistoryAsync(bob, newest.Value!.Messages[0].Sequence, 50);
        var oldest = await conversation.GetHistoryAsync(bob, middle.Value!.Messages[0].Sequence, 50);

        Assert.Equal(Enumerable.Range(71, 50).Select(i => (long)i), newest.Value.Messages.Select(m => m.Sequence));
        Assert.Equal(Enumerable.Range(21, 50).Select(i => (long)i), middle.Value.Messages.Select(m => m.Sequence));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), oldest.Value!.Messages.Select(m => m.Sequence));
        Assert.True(newest.Value.HasMore);
        Assert.True(middle.Value.HasMore);
        Assert.False(oldest.Value.HasMore);
        Assert.Equal("m1", oldest.Value.Messages[0].Content);
    }
}

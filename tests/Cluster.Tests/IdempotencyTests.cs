using WhatsApp.Cluster.Tests.Infrastructure;

namespace WhatsApp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class IdempotencyTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SendAsync_SameClientMessageIdTwice_StoresOneMessageAndReturnsItTwice()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        var conversation = cluster.Grains.Conversation(alice, bob);

        var first = await conversation.SendAsync(alice, "only once", "client-1");
        var second = await conversation.SendAsync(alice, "only once", "client-1");

        Assert.False(first.Value!.WasDuplicate);
        Assert.True(second.Value!.WasDuplicate);
        Assert.Equal(first.Value.Message with { Status = default }, second.Value.Message with { Status = default });
        Assert.Single(await cluster.Grains.HistoryAsync(bob, alice));
    }

    [Fact]
    public async Task SendAsync_SameClientMessageIdConcurrently_StoresOneMessage()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => cluster.Grains.Conversation(alice, bob).SendAsync(alice, "retry storm", "client-storm")));

        Assert.All(attempts, attempt => Assert.True(attempt.IsSuccess));
        Assert.Single(attempts.Select(attempt => attempt.Value!.Message.Id).Distinct());
        Assert.Single(attempts, attempt => !attempt.Value!.WasDuplicate);
        Assert.Single(await cluster.Grains.HistoryAsync(alice, bob));
    }

    [Fact]
    public async Task SendAsync_SameClientMessageIdFromTheOtherParticipant_IsADifferentMessage()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();

        var fromAlice = await cluster.Grains.SendAsync(alice, bob, "hi", "same-id");
        var fromBob = await cluster.Grains.SendAsync(bob, alice, "hi", "same-id");

        Assert.NotEqual(fromAlice.Sequence, fromBob.Sequence);
        Assert.Equal(2, (await cluster.Grains.HistoryAsync(alice, bob)).Count);
    }

    [Fact]
    public async Task SendAsync_SameClientMessageIdAfterTheConversationReactivates_IsStillRecognised()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        var first = await cluster.Grains.SendAsync(alice, bob, "remember me", "client-remembered");

        await cluster.Cluster.DeactivateAsync(cluster.Grains.Conversation(alice, bob));
        var retry = await cluster.Grains.Conversation(alice, bob).SendAsync(alice, "remember me", "client-remembered");

        Assert.True(retry.Value!.WasDuplicate);
        Assert.Equal(first.Id, retry.Value.Message.Id);
        Assert.Single(await cluster.Grains.HistoryAsync(alice, bob));
    }
}

using WhatsApp.Grains.Conversations;

namespace WhatsApp.Cluster.Tests.Units;

public sealed class ClientMessageIdIndexTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ForgetOlderThan_KeepsExactlyTheEntriesInsideTheWindow()
    {
        var index = new ClientMessageIdIndex(TimeSpan.FromHours(24));
        index.Add(sender: 1, "old", sequence: 1, Start);
        index.Add(sender: 1, "recent", sequence: 2, Start.AddHours(23));

        index.ForgetOlderThan(Start.AddHours(24.5) - index.Retention);

        Assert.False(index.TryGetSequence(1, "old", out _));
        Assert.True(index.TryGetSequence(1, "recent", out var sequence));
        Assert.Equal(2, sequence);
    }

    [Fact]
    public void Add_SameIdFromAnotherSender_IsSeparate()
    {
        var index = new ClientMessageIdIndex(TimeSpan.FromHours(24));
        index.Add(sender: 1, "x", sequence: 1, Start);
        index.Add(sender: 2, "x", sequence: 2, Start);

        Assert.True(index.TryGetSequence(2, "x", out var sequence));
        Assert.Equal(2, sequence);
        Assert.Equal(2, index.Count);
    }
}

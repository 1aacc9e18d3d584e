using WhatsApp.Grains.Conversations;

namespace WhatsApp.Cluster.Tests.Units;

public sealed class RecentClientMessageIdsTests
{
    [Fact]
    public void Add_SameIdFromTwoSenders_KeepsBoth()
    {
        var recent = new RecentClientMessageIds(capacity: 10);

        recent.Add(sender: 1, "same", sequence: 5);
        recent.Add(sender: 2, "same", sequence: 6);

        Assert.True(recent.TryGetSequence(1, "same", out var first));
        Assert.True(recent.TryGetSequence(2, "same", out var second));
        Assert.Equal((5, 6), (first, second));
    }

    [Fact]
    public void Add_PastCapacity_ForgetsTheOldestOnly()
    {
        var recent = new RecentClientMessageIds(capacity: 2);

        recent.Add(1, "a", 1);
        recent.Add(1, "b", 2);
        recent.Add(1, "c", 3);

        Assert.Equal(2, recent.Count);
        Assert.False(recent.TryGetSequence(1, "a", out _));
        Assert.True(recent.TryGetSequence(1, "b", out _));
        Assert.True(recent.TryGetSequence(1, "c", out _));
    }
}

using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Cluster.Tests.Units;

public sealed class ConversationIdTests
{
    [Theory]
    [InlineData(4, 9, "4-9")]
    [InlineData(9, 4, "4-9")]
    [InlineData(999_999_999_999_999, 1, "1-999999999999999")]
    public void Direct_EitherOrder_HasOneCanonicalKey(long a, long b, string expected)
    {
        Assert.Equal(expected, ConversationId.Direct(a, b).ToString());
        Assert.Equal(ConversationId.Direct(a, b), ConversationId.Parse(expected));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("4-4")]
    [InlineData("9-4")]
    [InlineData("04-9")]
    [InlineData("-4-9")]
    [InlineData("4--9")]
    [InlineData("4-9 ")]
    [InlineData("4-1000000000000000")]
    [InlineData("g")]
    [InlineData("g0")]
    [InlineData("G5")]
    [InlineData("4-٣")]
    public void TryParse_NonCanonicalText_IsRefused(string text) => Assert.False(ConversationId.TryParse(text, out _));

    [Theory]
    [InlineData(0, 5)]
    [InlineData(5, 5)]
    [InlineData(-1, 5)]
    [InlineData(1_000_000_000_000_000, 5)]
    public void Direct_InvalidPair_Throws(long a, long b) => Assert.Throws<ArgumentException>(() => ConversationId.Direct(a, b));

    [Fact]
    public void Group_ParsesAndLivesOnTheGroupIdShard()
    {
        var group = ConversationId.Parse("g7");

        Assert.True(group.IsGroup);
        Assert.Equal(ConversationId.Group(7), group);
        Assert.Equal(7, group.ShardKey);
        Assert.False(group.Includes(7));
    }

    [Theory]
    [InlineData(null, "4-9", 4)]
    [InlineData(null, "4-9/12", 4)]
    [InlineData(null, "g8/0", 8)]
    [InlineData(11L, null, 11)]
    public void TryGetShardKey_GrainKeys_ReadTheShardKey(long? integerKey, string? stringKey, long expected)
    {
        Assert.True(Shards.TryGetShardKey(integerKey, stringKey, out var shardKey));
        Assert.Equal(expected, shardKey);
    }

    [Fact]
    public void Of_ShardIsKeyModCount() =>
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(3, 5).Select(key => Shards.Of(key, 3)));
}

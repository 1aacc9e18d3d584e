using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Cluster.Tests.Units;

/// <summary>Which shard's silo serves a shard: placement and the shard panel both follow this one rule.</summary>
public sealed class ShardsTests
{
    [Theory]
    [InlineData(1, "0,1,2", 1)]
    [InlineData(1, "0,2", 2)]
    [InlineData(2, "1", 1)]
    [InlineData(2, "0,1", 0)]
    [InlineData(0, "", null)]
    public void Serving_TheShardWhileItsSiloIsUp_ElseTheNextOneWithASiloWrappingRound(int shard, string upShards, int? expected)
    {
        var up = upShards.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();

        Assert.Equal(expected, Shards.Serving(shard, shardCount: 3, up.Contains));
    }
}

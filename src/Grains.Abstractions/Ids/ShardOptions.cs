namespace WhatsApp.Grains.Abstractions.Ids;

/// <summary>Configuration section "Shard": how many shards the cluster has and which one a silo owns.</summary>
public sealed class ShardOptions
{
    public const string SectionName = "Shard";

    /// <summary>The number of shards, N in shard(key) = key mod N (Shard__Count).</summary>
    public int Count { get; set; } = Shards.DefaultCount;

    /// <summary>The shard this silo owns, 0..Count-1 (Shard__Index). Only silos read it.</summary>
    public int Index { get; set; }

    /// <summary>How often a grain that lives away from home (its owner was down) checks whether the owner is back.</summary>
    public TimeSpan ReturnHomeInterval { get; set; } = TimeSpan.FromSeconds(2);
}

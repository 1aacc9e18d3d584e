namespace WhatsApp.Grains.Abstractions.Operations;

/// <summary>
/// Where the product's grains are active right now, by home shard: the failover view of the Cluster panel counts from
/// it the grains that moved when a shard's silo went down, and those that went home when it came back.
/// </summary>
public interface IGrainResidenceGrain : IGrainWithIntegerKey
{
    /// <summary>Every active user, conversation and group grain with its home shard and the shard of the silo hosting it.</summary>
    Task<IReadOnlyList<GrainResidence>> ListAsync();
}

/// <summary>One active grain: its id, the shard it belongs to, and the shard whose silo hosts it (null: a silo of no shard).</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.GrainResidence")]
public sealed record GrainResidence(
    [property: Id(0)] string Grain,
    [property: Id(1)] int HomeShard,
    [property: Id(2)] int? HostShard);

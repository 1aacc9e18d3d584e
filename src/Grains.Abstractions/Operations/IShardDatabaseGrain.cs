namespace WhatsApp.Grains.Abstractions.Operations;

/// <summary>
/// A shard's database as the cluster sees it (key: the shard number). It lives on the shard's silo, or on the silo that
/// took the shard over, so it probes the database exactly as the shard's grains reach it.
/// </summary>
public interface IShardDatabaseGrain : IGrainWithIntegerKey
{
    /// <summary>One bounded round trip to the shard's database.</summary>
    Task<ShardDatabaseHealth> ProbeAsync();
}

/// <summary>
/// Where a shard's data lives (host:port/database, never a password; and which of the deployment's databases it is,
/// numbered from 0, so shards that share one say the same number), whether it answered, and how fast.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ShardDatabaseHealth")]
public sealed record ShardDatabaseHealth(
    [property: Id(0)] string Name,
    [property: Id(1)] bool IsUp,
    [property: Id(2)] double? RoundTripMilliseconds,
    [property: Id(3)] int Index);

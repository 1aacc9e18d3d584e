using System.Globalization;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Api;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Operations;

namespace WhatsApp.Gateway.Operations;

/// <summary>
/// The shards' health, read from the cluster at most once per Gateway:ShardHealthMaxAge however many tabs ask: each
/// read asks the management grain, every silo's statistics and every shard's database. Callers that arrive while a read
/// runs share it; a read that failed is not kept.
/// </summary>
public sealed class ShardHealthSnapshot(
    ChatCluster cluster, IOptions<ShardOptions> shards, IOptions<ShardHealthOptions> options, ShardFailovers failovers, GatewayMetrics metrics, TimeProvider time)
{
    private readonly Lock _gate = new();
    private Task<IReadOnlyList<ShardHealth>>? _read;
    private long _startedAt;

    public Task<IReadOnlyList<ShardHealth>> CurrentAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var stale = _read is null
                || (_read.IsCompleted && (!_read.IsCompletedSuccessfully || time.GetElapsedTime(_startedAt) > options.Value.ShardHealthMaxAge));
            if (stale)
            {
                _startedAt = time.GetTimestamp();
                _read = ReadAsync();
            }

            // No caller's cancellation ends the read the others wait for.
            return _read!.WaitAsync(cancellationToken);
        }
    }

    private async Task<IReadOnlyList<ShardHealth>> ReadAsync()
    {
        metrics.ShardHealthRead();
        var residences = ReadResidencesAsync(cluster);
        var health = await ReadShardsAsync(cluster, shards.Value.Count, CancellationToken.None);
        return failovers.Follow(health, await residences);
    }

    /// <summary>
    /// Each shard, the silo that owns it, and its activations, as the cluster's members know each other (silos carry
    /// their shard in their name; a silo's own view answers also while the membership store is away), and its database
    /// as the silo serving the shard reaches it. A shard whose owner is down is served by the next shard's silo.
    /// </summary>
    private static async Task<IReadOnlyList<ShardHealth>> ReadShardsAsync(ChatCluster cluster, int count, CancellationToken cancellationToken)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var members = await cluster.RetryAsync(_ => cluster.Client.GetGrain<IMembershipViewGrain>(0).ActiveSilosAsync(), cancellationToken);
        var owners = members
            .Select(member => (Shard: Shards.TryParseSiloName(member.Name, out var shard) ? shard : -1, Silo: member))
            .Where(owner => owner.Shard >= 0)
            .GroupBy(owner => owner.Shard)
            .ToDictionary(group => group.Key, group => group.MaxBy(owner => owner.Silo.Address.Generation).Silo);
        var statistics = owners.Count == 0
            ? []
            : await cluster.RetryAsync(_ => management.GetRuntimeStatistics([.. owners.Values.Select(owner => owner.Address)]), cancellationToken);
        var activations = owners.Values.Zip(statistics).ToDictionary(pair => pair.First, pair => pair.Second.ActivationCount);

        var databases = await Task.WhenAll(Enumerable.Range(0, count).Select(shard => ProbeDatabaseAsync(cluster, shard)));
        return [.. Enumerable.Range(0, count).Select(shard =>
        {
            var owner = owners.GetValueOrDefault(shard);
            var servedBy = Shards.Serving(shard, count, owners.ContainsKey) is { } serving ? owners[serving] : null;
            var database = databases[shard];
            return new ShardHealth(
                shard,
                Label(owner),
                owner is null ? "down" : "active",
                owner is null ? 0 : activations[owner],
                Label(servedBy),
                database is null ? null : $"database {database.Index}",
                database switch { null => "unknown", { IsUp: true } => "up", _ => "down" },
                database?.RoundTripMilliseconds,
                Addresses: new ShardAddresses(owner?.Address.ToParsableString(), servedBy?.Address.ToParsableString(), database?.Name));
        })];
    }

    /// <summary>A silo as anyone may see it: its name and generation, not its address.</summary>
    private static string? Label(ActiveSilo? silo) =>
        silo is null ? null : string.Create(CultureInfo.InvariantCulture, $"{silo.Name}@{silo.Address.Generation}");

    /// <summary>Where the product's grains are active, or null when no silo answers in time.</summary>
    private static async Task<IReadOnlyList<GrainResidence>?> ReadResidencesAsync(ChatCluster cluster)
    {
        try
        {
            return await cluster.Client.GetGrain<IGrainResidenceGrain>(0).ListAsync().WaitAsync(ClusterProbe.Timeout);
        }
        catch (Exception exception) when (ClusterProbe.IsUnanswered(exception) || exception is Orleans.Serialization.SerializerException)
        {
            // Only the panel's failover counts need it: without it the shards are still shown. (A silo's failure that
            // Orleans cannot carry, such as a Redis client's timeout, arrives as a serializer exception.)
            return null;
        }
    }

    /// <summary>The shard's database as its serving silo sees it, or null when no silo answers for the shard in time.</summary>
    private static async Task<ShardDatabaseHealth?> ProbeDatabaseAsync(ChatCluster cluster, int shard)
    {
        try
        {
            return await cluster.Client.GetGrain<IShardDatabaseGrain>(shard).ProbeAsync().WaitAsync(ClusterProbe.Timeout);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException)
        {
            return null;
        }
    }
}

using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Hosting;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Gateway.Api;

/// <summary>
/// The shards' health, read from the cluster at most once per Gateway:ShardHealthMaxAge however many tabs ask: each
/// read asks the management grain, every silo's statistics and every shard's database. Callers that arrive while a read
/// runs share it; a read that failed is not kept.
/// </summary>
public sealed class ShardHealthSnapshot(
    ChatCluster cluster, IOptions<ShardOptions> shards, IOptions<GatewayApiOptions> options, ShardFailovers failovers, GatewayMetrics metrics, TimeProvider time)
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
        var residences = HealthApi.ReadResidencesAsync(cluster);
        var health = await HealthApi.ReadShardsAsync(cluster, shards.Value.Count, CancellationToken.None);
        return failovers.Follow(health, await residences);
    }
}

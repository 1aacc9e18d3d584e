using WhatsApp.Gateway.Api;
using WhatsApp.Grains.Abstractions.Operations;

namespace WhatsApp.Gateway.Operations;

/// <summary>
/// Follows each shard's outages through the health reads: from the moment a shard's silo is seen down, every grain of
/// the shard seen active elsewhere counts as moved, and each of those seen on the shard's silo again counts as
/// returned, until the silo goes down once more and a new outage starts the count again. It counts what the reads saw:
/// grains that moved and came back between two reads (while no one watched the panel) are not among them.
/// </summary>
public sealed class ShardFailovers
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Outage> _outages = [];

    /// <summary>
    /// The shards with their outage counts added, from their state and where the grains are now; when the cluster could
    /// not say where they are (null), with the counts of the last read that could.
    /// </summary>
    public IReadOnlyList<ShardHealth> Follow(IReadOnlyList<ShardHealth> shards, IReadOnlyList<GrainResidence>? residences)
    {
        lock (_gate)
        {
            return [.. shards.Select(shard => shard with
            {
                Failover = residences is null ? _outages.GetValueOrDefault(shard.Shard)?.Counts : Follow(shard, residences),
            })];
        }
    }

    private ShardFailover? Follow(ShardHealth shard, IReadOnlyList<GrainResidence> residences)
    {
        var down = shard.Silo is null;
        var away = residences.Where(grain => grain.HomeShard == shard.Shard && grain.HostShard != shard.Shard).Select(grain => grain.Grain).ToList();
        _outages.TryGetValue(shard.Shard, out var outage);
        if ((down && (outage is null || outage.OwnerSeenUp)) || (outage is null && away.Count > 0))
        {
            _outages[shard.Shard] = outage = new Outage();
        }

        if (outage is null)
        {
            return null;
        }

        outage.OwnerSeenUp = !down;
        outage.Moved.UnionWith(away);
        var returned = residences.Count(grain => grain.HostShard == shard.Shard && outage.Moved.Contains(grain.Grain));
        return outage.Counts = new ShardFailover(outage.Moved.Count, away.Count, returned);
    }

    private sealed class Outage
    {
        public HashSet<string> Moved { get; } = [];

        public bool OwnerSeenUp { get; set; }

        public ShardFailover? Counts { get; set; }
    }
}

using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Grains.Placement;

/// <summary>
/// Which silo owns which shard, as the cluster itself says: each silo advertises its shard in its silo metadata and
/// in its name ("shard-N") in the membership table, which every silo holds without asking the silo itself.
/// Nothing here is a hard-coded address list, so silos can come, go and be replaced.
/// </summary>
public sealed partial class ShardMap(
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    ILocalSiloDetails localSilo,
    IOptions<ShardOptions> options,
    ILogger<ShardMap> logger)
{
    public const string MetadataKey = "shard";

    public int ShardCount => options.Value.Count;

    public TimeSpan ReturnHomeInterval => options.Value.ReturnHomeInterval;

    public SiloAddress LocalSilo => localSilo.SiloAddress;

    /// <summary>
    /// The shard a grain belongs to, from its key (users and directories by number, conversations by their shard key).
    /// A key that names no shard (a malformed id; the grain will refuse every call) still gets a stable home.
    /// </summary>
    public int HomeShardOf(GrainId grain)
    {
        long? integerKey = null;
        string? stringKey = null;
        if (GrainTypes.HasIntegerShardKey(grain.Type) && grain.TryGetIntegerKey(out var key, out _))
        {
            integerKey = key;
        }
        else
        {
            stringKey = grain.Key.ToString();
        }

        return Shards.TryGetShardKey(integerKey, stringKey, out var shardKey)
            ? Shards.Of(shardKey, ShardCount)
            : (int)(grain.GetUniformHashCode() % (uint)ShardCount);
    }

    /// <summary>The shard a silo advertises, or null for a silo that owns none (or whose shard is not known yet).</summary>
    public int? ShardOf(SiloAddress silo)
    {
        if (metadata.GetSiloMetadata(silo).Metadata.TryGetValue(MetadataKey, out var advertised)
            && int.TryParse(advertised, NumberStyles.None, CultureInfo.InvariantCulture, out var shard))
        {
            return shard;
        }

        return membership.CurrentSnapshot.Members.TryGetValue(silo, out var member) && Shards.TryParseSiloName(member.Name, out var named)
            ? named
            : null;
    }

    /// <summary>
    /// The silo to place a grain on among candidates: its shard's owner; when that owner is down, the owner of the next
    /// shard that has one (shard+1, shard+2, ... so every silo computes the same fallback); if no candidate advertises a
    /// shard at all, a candidate chosen by the shard number.
    /// </summary>
    public SiloAddress Choose(GrainId grain, IReadOnlyList<SiloAddress> candidates, out bool isFallback)
    {
        if (candidates.Count == 0)
        {
            throw new OrleansException($"No silo is available to place {grain}.");
        }

        var home = HomeShardOf(grain);
        if (Shards.Serving(home, ShardCount, shard => OwnerAmong(shard, candidates) is not null) is { } serving)
        {
            isFallback = serving != home;
            return OwnerAmong(serving, candidates)!;
        }

        isFallback = true;
        return candidates.OrderBy(silo => silo).ElementAt(home % candidates.Count);
    }

    /// <summary>The live owner of a grain's home shard, when the grain is not on it already; null otherwise.</summary>
    public SiloAddress? HomeElsewhere(GrainId grain, SiloAddress current)
    {
        var activeSilos = membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => member.SiloAddress)
            .ToList();
        var owner = OwnerAmong(HomeShardOf(grain), activeSilos);
        return owner is not null && !owner.Equals(current) ? owner : null;
    }

    // When a shard briefly has two candidate owners (a killed silo not yet declared dead, and its replacement),
    // the newest generation is the one that is alive.
    private SiloAddress? OwnerAmong(int shard, IEnumerable<SiloAddress> silos) => silos
        .Where(silo => ShardOf(silo) == shard)
        .OrderByDescending(silo => silo.Generation)
        .FirstOrDefault();

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "{Grain} is active on {Silo}, away from its home shard {Shard}; it returns when the shard's owner is back")]
    internal partial void LogAwayFromHome(GrainId grain, int shard, SiloAddress silo);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "The owner of {Grain}'s shard is back at {Silo}: migrating home")]
    internal partial void LogReturningHome(GrainId grain, SiloAddress silo);
}

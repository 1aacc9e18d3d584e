using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace WhatsApp.Grains.Placement;

/// <summary>
/// Orleans asks this, on whichever silo receives the first call, where a new activation of a
/// <see cref="ShardPlacementAttribute"/> grain goes. Every silo registers it, and every silo answers the same.
/// </summary>
public sealed partial class ShardPlacementDirector(ShardMap shardMap, ILogger<ShardPlacementDirector> logger) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silo = shardMap.Choose(target.GrainIdentity, context.GetCompatibleSilos(target), out var isFallback);
        if (isFallback)
        {
            LogFallbackPlacement(target.GrainIdentity, shardMap.HomeShardOf(target.GrainIdentity), silo);
        }

        return Task.FromResult(silo);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "The owner of shard {Shard} is not available: {Grain} is placed on fallback silo {Silo} until it returns")]
    private partial void LogFallbackPlacement(GrainId grain, int shard, SiloAddress silo);
}

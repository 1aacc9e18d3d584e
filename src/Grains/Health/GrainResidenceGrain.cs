using Orleans.Concurrency;
using WhatsApp.Grains.Abstractions.Health;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Health;

/// <summary>
/// Asks the management grain for every activation in the cluster and places each product grain by its home shard,
/// which only the silos know how to compute (<see cref="ShardMap"/>). Stateless: any silo answers.
/// </summary>
[StatelessWorker(1)]
public sealed class GrainResidenceGrain(ShardMap shardMap) : Grain, IGrainResidenceGrain
{
    public async Task<IReadOnlyList<GrainResidence>> ListAsync()
    {
        var activations = await GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return [.. activations
            .Where(activation => GrainTypes.IsSharded(activation.GrainId.Type))
            .Select(activation => new GrainResidence(
                activation.GrainId.ToString(), shardMap.HomeShardOf(activation.GrainId), shardMap.ShardOf(activation.SiloAddress)))];
    }
}

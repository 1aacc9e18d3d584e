using Orleans.Concurrency;
using WhatsApp.Grains.Abstractions.Operations;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Operations;

/// <summary>
/// Asks the management grain for every activation in the cluster and places each product grain by its home shard,
/// which only the silos know how to compute (<see cref="ShardMap"/>). Stateless: any silo answers.
/// </summary>
[StatelessWorker(1)]
public sealed class GrainResidenceGrain(ShardMap shardMap, IClusterMembershipService membership) : Grain, IGrainResidenceGrain
{
    public async Task<IReadOnlyList<GrainResidence>> ListAsync()
    {
        // The silos named, as this silo knows them: without them the management grain reads the membership table
        // first, and that waits for Redis while it is away.
        SiloAddress[] silos = [.. membership.Active().Select(member => member.SiloAddress)];
        var activations = await GrainFactory.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(hostsIds: silos);
        return [.. activations
            .Where(activation => GrainTypes.IsSharded(activation.GrainId.Type))
            .Select(activation => new GrainResidence(
                activation.GrainId.ToString(), shardMap.HomeShardOf(activation.GrainId), shardMap.ShardOf(activation.SiloAddress)))];
    }
}

using Orleans.Storage;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// Grain state in the database of the grain's home shard, whichever silo hosts the grain: one Orleans storage provider
/// per shard database, chosen by the same rule that places the grain (<see cref="ShardMap.HomeShardOf"/>). After a
/// failover, the fallback silo reads and writes the dead silo's shard database, so nothing moves when the owner returns.
/// </summary>
public sealed class ShardRoutingGrainStorage(ShardMap shardMap, IReadOnlyList<IGrainStorage> storageByShard) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        StorageOf(grainId).ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        StorageOf(grainId).WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        StorageOf(grainId).ClearStateAsync(stateName, grainId, grainState);

    private IGrainStorage StorageOf(GrainId grainId) => storageByShard[shardMap.HomeShardOf(grainId)];
}

namespace WhatsApp.Grains.Placement;

/// <summary>
/// The base of the product's grains. A grain lives on its key's shard. When it had to be activated elsewhere because
/// the owner was down, it watches for the owner's return and then migrates home: Orleans re-runs placement (which picks
/// the owner), hands the activation over and updates callers' caches, so stale routes are forwarded, not re-activated
/// on the fallback silo.
/// </summary>
public abstract class ShardedGrain(ShardMap shardMap) : Grain
{
    protected ShardMap ShardMap => shardMap;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var grain = this.GetGrainId();
        var homeShard = shardMap.HomeShardOf(grain);
        if (shardMap.ShardOf(shardMap.LocalSilo) != homeShard)
        {
            shardMap.LogAwayFromHome(grain, homeShard, shardMap.LocalSilo);
            var interval = shardMap.ReturnHomeInterval;
            this.RegisterGrainTimer(ReturnHomeWhenOwnerIsBack, new GrainTimerCreationOptions(interval, interval));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Persists the state; when that fails the activation is dropped, so the next call reloads what storage really
    /// holds instead of acting on changes that may never have been saved.
    /// </summary>
    protected async Task WriteStateOrReloadAsync<TState>(IPersistentState<TState> state)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private Task ReturnHomeWhenOwnerIsBack(CancellationToken cancellationToken)
    {
        var grain = this.GetGrainId();
        if (shardMap.HomeElsewhere(grain, shardMap.LocalSilo) is { } home)
        {
            shardMap.LogReturningHome(grain, home);
            MigrateOnIdle();
        }

        return Task.CompletedTask;
    }
}

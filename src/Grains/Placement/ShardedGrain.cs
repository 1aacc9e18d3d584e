namespace WhatsApp.Grains.Placement;

/// <summary>
/// The base of the product's grains. A grain lives on its key's shard. When it had to be activated elsewhere because the owner was down, it
/// watches for the owner's return and then migrates home (Orleans re-runs placement, which picks the owner).
/// </summary>
public abstract class ShardedGrain(ShardMap shardMap) : Grain
{
    protected ShardMap ShardMap => shardMap;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (shardMap.ShardOf(shardMap.LocalSilo) != shardMap.HomeShardOf(this.GetGrainId()))
        {
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
        if (shardMap.HomeElsewhere(this.GetGrainId(), shardMap.LocalSilo) is not null)
        {
            MigrateOnIdle();
        }

        return Task.CompletedTask;
    }
}

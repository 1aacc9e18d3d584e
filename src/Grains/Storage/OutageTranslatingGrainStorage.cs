using System.Data.Common;
using Npgsql;
using Orleans.Storage;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// Grain state storage (the Orleans ADO.NET provider, with its own connection pool) that survives a restart of its
/// database and reports an outage as the chat's own rows do.
/// <para>
/// After a restart every idle connection in the provider's pool is dead, and each would fail the grain that drew it
/// (a fresh account's first read, say). So an operation whose connection turns out to have died is retried once after
/// the pool is cleared (<see cref="ChatDatabase.IsLostConnection"/>): a read is safe to repeat, and a write carries
/// its ETag, so a repeat of one that did land is refused as a conflict rather than applied twice.
/// </para>
/// <para>
/// An outage is reported as a <see cref="StorageUnavailableException"/> (<see cref="StorageFailureFilter"/> does the
/// same for rows). Grain state is read while a grain activates, before any call filter runs, so without this a cold
/// grain hit by an outage fails with the driver's exception, which callers cannot tell from a bug (a 500 instead of a
/// 503 with Retry-After). It takes part in the silo's lifecycle as the storage it wraps.
/// </para>
/// </summary>
public sealed class OutageTranslatingGrainStorage(IGrainStorage storage, string connectionString) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        RunAsync(() => storage.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        RunAsync(() => storage.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        RunAsync(() => storage.ClearStateAsync(stateName, grainId, grainState));

    public void Participate(ISiloLifecycle lifecycle) => (storage as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task RunAsync(Func<Task> operation)
    {
        try
        {
            await ChatDatabase.OnceMoreIfConnectionLostAsync(
                async () =>
                {
                    await operation();
                    return true;
                },
                ClearProviderPool);
        }
        catch (DbException exception) when (exception.IsTransient)
        {
            throw new StorageUnavailableException($"The database did not answer: {exception.Message}");
        }
    }

    /// <summary>Clears the provider's pool: it holds its connections by connection string, not in a data source of ours.</summary>
    private void ClearProviderPool()
    {
        using var samePool = new NpgsqlConnection(connectionString);
        NpgsqlConnection.ClearPool(samePool);
    }
}

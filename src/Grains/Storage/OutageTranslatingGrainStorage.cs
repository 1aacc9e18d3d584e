using System.Data.Common;
using Orleans.Storage;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// Grain state storage that reports a database outage as a <see cref="StorageUnavailableException"/>, as the chat's own
/// rows do (<see cref="StorageFailureFilter"/>). Grain state is read while a grain activates, before any call filter
/// runs, so without this a cold grain hit by an outage fails with the driver's exception, which callers cannot tell
/// from a bug (a 500 instead of a 503 with Retry-After). It takes part in the silo's lifecycle as the storage it wraps.
/// </summary>
public sealed class OutageTranslatingGrainStorage(IGrainStorage storage) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TranslateAsync(() => storage.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TranslateAsync(() => storage.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TranslateAsync(() => storage.ClearStateAsync(stateName, grainId, grainState));

    public void Participate(ISiloLifecycle lifecycle) => (storage as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private static async Task TranslateAsync(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (DbException exception) when (exception.IsTransient)
        {
            throw new StorageUnavailableException($"The database did not answer: {exception.Message}");
        }
    }
}

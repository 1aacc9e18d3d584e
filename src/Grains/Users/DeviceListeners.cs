using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>
/// The gateway listeners of one user's connected devices, each with the time it last renewed. A listener that stops
/// renewing (its gateway died) expires; one whose push fails or does not answer within the push timeout is dropped at
/// once, so it costs one failed push and one information line, not a warning with a stack trace per push: a gateway
/// that went away is normal operation, and its users reconnect.
/// </summary>
internal sealed partial class DeviceListeners(TimeSpan expiry, TimeSpan pushTimeout, TimeProvider time, ILogger logger)
{
    private readonly Dictionary<IUserObserver, DateTimeOffset> _renewedAt = [];

    public int Count => _renewedAt.Count;

    public IReadOnlyCollection<IUserObserver> All => _renewedAt.Keys;

    public void Renew(IUserObserver listener) => _renewedAt[listener] = time.GetUtcNow();

    public void Remove(IUserObserver listener) => _renewedAt.Remove(listener);

    /// <summary>Forgets listeners that have not renewed within the expiry; true when any was forgotten.</summary>
    public bool RemoveExpired()
    {
        var cutoff = time.GetUtcNow() - expiry;
        var expired = _renewedAt.Where(listener => listener.Value < cutoff).Select(listener => listener.Key).ToList();
        foreach (var listener in expired)
        {
            _renewedAt.Remove(listener);
        }

        return expired.Count > 0;
    }

    /// <summary>
    /// Pushes to every listener at once, so a gone gateway delays the others by at most the push timeout; true when a
    /// listener failed and was dropped.
    /// </summary>
    public async Task<bool> PushAsync(Func<IUserObserver, Task> push)
    {
        if (_renewedAt.Count == 0)
        {
            return false;
        }

        var listeners = _renewedAt.Keys.ToList();
        var outcomes = await Task.WhenAll(listeners.Select(listener => TryPushAsync(listener, push)));
        for (var i = 0; i < listeners.Count; i++)
        {
            if (outcomes[i] is { } error)
            {
                LogListenerDropped(listeners[i], error);
                _renewedAt.Remove(listeners[i]);
            }
        }

        return outcomes.Any(error => error is not null);
    }

    /// <summary>The name of the error when the push failed or timed out, null when the gateway took it.</summary>
    private async Task<string?> TryPushAsync(IUserObserver listener, Func<IUserObserver, Task> push)
    {
        try
        {
            await push(listener).WaitAsync(pushTimeout, time);
            return null;
        }
        catch (Exception exception)
        {
            return exception.GetType().Name;
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Dropped device listener {Listener}: a push failed ({Error})")]
    private partial void LogListenerDropped(IUserObserver listener, string error);
}

using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>
/// The gateway listeners of one user's connected devices, each with the time it last renewed and its own outbox. A
/// listener that stops renewing (its gateway died) expires. Each listener gets one push at a time, in order, and the
/// grain never waits for it: a gateway that went away fails one push (an error, or no answer within the push timeout),
/// and the listener is dropped with whatever was queued behind it. That costs one information line, not a warning with
/// a stack trace per push: a gateway that went away is normal operation, and its users reconnect.
/// </summary>
internal sealed partial class DeviceListeners(TimeSpan expiry, TimeSpan pushTimeout, TimeProvider time, ILogger logger)
{
    private readonly Dictionary<IUserObserver, Listener> _listeners = [];

    public int Count => _listeners.Count;

    public IReadOnlyCollection<IUserObserver> All => _listeners.Keys;

    public void Renew(IUserObserver observer)
    {
        if (_listeners.TryGetValue(observer, out var listener))
        {
            listener.RenewedAt = time.GetUtcNow();
        }
        else
        {
            _listeners[observer] = new Listener(time.GetUtcNow());
        }
    }

    public void Remove(IUserObserver observer) => _listeners.Remove(observer);

    /// <summary>Forgets listeners that have not renewed within the expiry.</summary>
    public void RemoveExpired()
    {
        var cutoff = time.GetUtcNow() - expiry;
        foreach (var observer in _listeners.Where(pair => pair.Value.RenewedAt < cutoff).Select(pair => pair.Key).ToList())
        {
            _listeners.Remove(observer);
        }
    }

    /// <summary>
    /// Queues a push for every listener and returns at once; <paramref name="afterDrop"/> runs (on the grain's
    /// scheduler) each time a listener is dropped because a push to it failed.
    /// </summary>
    public void Push(Func<IUserObserver, Task> push, Func<Task> afterDrop)
    {
        foreach (var (observer, listener) in _listeners)
        {
            listener.Outbox.Enqueue(push);
            if (!listener.IsSending)
            {
                _ = SendQueuedAsync(observer, listener, afterDrop);
            }
        }
    }

    private async Task SendQueuedAsync(IUserObserver observer, Listener listener, Func<Task> afterDrop)
    {
        listener.IsSending = true;
        try
        {
            while (listener.Outbox.TryDequeue(out var push))
            {
                try
                {
                    await push(observer).WaitAsync(pushTimeout, time);
                }
                catch (Exception exception)
                {
                    var error = exception.GetType().Name;
                    LogListenerDropped(observer, error);
                    listener.Outbox.Clear();
                    if (_listeners.TryGetValue(observer, out var current) && current == listener)
                    {
                        _listeners.Remove(observer);
                        await ForgetAsync(afterDrop);
                    }

                    return;
                }
            }
        }
        finally
        {
            listener.IsSending = false;
        }
    }

    private async Task ForgetAsync(Func<Task> afterDrop)
    {
        try
        {
            await afterDrop();
        }
        catch (Exception exception)
        {
            // The listener is gone from memory either way; the saved list is corrected at the next change.
            LogForgetFailed(exception);
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Dropped device listener {Listener}: a push failed ({Error})")]
    private partial void LogListenerDropped(IUserObserver listener, string error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Could not record a dropped device listener")]
    private partial void LogForgetFailed(Exception exception);

    private sealed class Listener(DateTimeOffset renewedAt)
    {
        public DateTimeOffset RenewedAt { get; set; } = renewedAt;

        public Queue<Func<IUserObserver, Task>> Outbox { get; } = new();

        public bool IsSending { get; set; }
    }
}

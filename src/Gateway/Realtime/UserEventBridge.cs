using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Hosting;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// Bridges user grains to SignalR: one grain observer per connected user in this gateway process, subscribed to that
/// user's grain, forwarding every event to the user's SignalR group (all their tabs). Subscriptions are renewed on a
/// timer, many at once within a bound, which also re-subscribes after a grain moved or its silo restarted; a dead
/// gateway's subscriptions simply stop being renewed and expire. Each user's listener has its own state, changed under
/// its own short lock and never across a grain call, so one user's slow grain holds up nobody else.
/// </summary>
public sealed partial class UserEventBridge(
    IClusterClient cluster,
    IHubContext<ChatHub> hub,
    IOptions<GatewayApiOptions> options,
    ILogger<UserEventBridge> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<long, UserListener> _listeners = new();
    private int _hubConnections;

    /// <summary>Users with at least one hub connection on this gateway.</summary>
    public int ConnectedUsers => _listeners.Count;

    /// <summary>Hub connections on this gateway that have been attached and not yet detached.</summary>
    public int HubConnections => Volatile.Read(ref _hubConnections);

    /// <summary>The last finished renewal of every listener (null before the first): it must stay well within the expiry.</summary>
    public ListenerRenewal? LastRenewal { get; private set; }

    /// <summary>
    /// A connection of the user opened: make sure this gateway listens to the user's grain. Connections that open
    /// together share one subscription call; when it fails, each of them fails and nothing of it is left behind.
    /// </summary>
    public async Task AttachAsync(long userId)
    {
        while (true)
        {
            var listener = _listeners.GetOrAdd(userId, _ => CreateListener(userId));
            Task subscribing;
            lock (listener)
            {
                if (listener.IsClosed)
                {
                    continue; // its last connection just left; a new listener takes its place
                }

                listener.Connections++;
                subscribing = listener.Subscribing ??= cluster.GetGrain<IUserGrain>(userId).SubscribeAsync(listener.Reference);
            }

            Interlocked.Increment(ref _hubConnections);
            try
            {
                await subscribing;
                return;
            }
            catch
            {
                lock (listener)
                {
                    if (listener.Subscribing == subscribing)
                    {
                        listener.Subscribing = null; // the next connection tries again
                    }
                }

                await DetachAsync(userId);
                throw;
            }
        }
    }

    /// <summary>A connection closed: when it was the user's last one here, stop listening (the user may go offline).</summary>
    public async Task DetachAsync(long userId)
    {
        if (!_listeners.TryGetValue(userId, out var listener))
        {
            return;
        }

        bool wasLast;
        lock (listener)
        {
            wasLast = --listener.Connections == 0;
            if (wasLast)
            {
                listener.IsClosed = true;
                _listeners.TryRemove(new KeyValuePair<long, UserListener>(userId, listener));
            }
        }

        Interlocked.Decrement(ref _hubConnections);
        if (wasLast)
        {
            await UnsubscribeAsync(userId, listener);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ObserverRenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var started = Stopwatch.GetTimestamp();
            var (renewed, failed) = (0, 0);
            await Parallel.ForEachAsync(
                _listeners.Where(pair => pair.Value.IsSubscribed),
                new ParallelOptions { MaxDegreeOfParallelism = options.Value.ObserverRenewConcurrency, CancellationToken = stoppingToken },
                async (pair, _) =>
                {
                    if (await RenewAsync(pair.Key, pair.Value))
                    {
                        Interlocked.Increment(ref renewed);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                });
            LastRenewal = new ListenerRenewal((LastRenewal?.Round ?? 0) + 1, Stopwatch.GetElapsedTime(started), renewed, failed);
        }
    }

    /// <summary>
    /// The gateway is stopping: every listener it holds is about to die with the process, so tell each user's grain now,
    /// all at once and within a bound. A listener left behind would keep its user online and cost the grain a failed
    /// push; a restarted gateway is a new client and subscribes anew.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var closing = _listeners.ToList();
        foreach (var (userId, listener) in closing)
        {
            lock (listener)
            {
                listener.IsClosed = true;
                _listeners.TryRemove(new KeyValuePair<long, UserListener>(userId, listener));
            }
        }

        if (closing.Count == 0)
        {
            return;
        }

        var unsubscribed = Task.WhenAll(closing.Select(pair => UnsubscribeAsync(pair.Key, pair.Value)));
        try
        {
            await unsubscribed.WaitAsync(options.Value.ObserverUnsubscribeTimeout, cancellationToken);
            LogUnsubscribedAll(closing.Count);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Those not reached in time expire in the grains, or fail their next push once and are dropped.
            LogUnsubscribeIncomplete(closing.Count, options.Value.ObserverUnsubscribeTimeout);
        }
    }

    private UserListener CreateListener(long userId)
    {
        var observer = new UserObserver(hub.Clients.Group(HubEvents.UserGroup(userId)));
        return new UserListener(observer, cluster.CreateObjectReference<IUserObserver>(observer));
    }

    /// <summary>One user's renewal, bounded so that a grain on a silo that just died holds a renewal slot only briefly.</summary>
    private async Task<bool> RenewAsync(long userId, UserListener listener)
    {
        try
        {
            await cluster.GetGrain<IUserGrain>(userId).SubscribeAsync(listener.Reference).WaitAsync(options.Value.ClusterAttemptTimeout);
            return true;
        }
        catch (Exception exception)
        {
            // Every failure counts, cancellations too: the call takes no token of ours, so an OperationCanceledException
            // is Orleans giving up on it ("message expired before placement"), and letting it escape would stop the host.
            LogRenewalFailed(exception, userId);
            return false;
        }
    }

    private async Task UnsubscribeAsync(long userId, UserListener listener)
    {
        try
        {
            await cluster.GetGrain<IUserGrain>(userId).UnsubscribeAsync(listener.Reference);
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(exception, userId);
        }
        finally
        {
            cluster.DeleteObjectReference<IUserObserver>(listener.Reference);
        }
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Could not renew the event subscription of user {UserId}; retrying at the next renewal")]
    private partial void LogRenewalFailed(Exception exception, long userId);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Stopping: unsubscribed the event listeners of {Users} users")]
    private partial void LogUnsubscribedAll(int users);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Stopping: the event listeners of {Users} users were not all unsubscribed within {Bound}")]
    private partial void LogUnsubscribeIncomplete(int users, TimeSpan bound);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "Could not unsubscribe the event listener of user {UserId}; the grain drops it at its first failed push or at expiry")]
    private partial void LogUnsubscribeFailed(Exception exception, long userId);

    /// <summary>One user's listener on this gateway; its fields change only under a lock on it.</summary>
    private sealed class UserListener(UserObserver observer, IUserObserver reference)
    {
        // Held so the observer object lives as long as the cluster may call it.
        public UserObserver Observer { get; } = observer;

        public IUserObserver Reference { get; } = reference;

        public int Connections { get; set; }

        /// <summary>The first subscription call, shared by the connections that open while it runs.</summary>
        public Task? Subscribing { get; set; }

        /// <summary>Its last connection left (or the gateway is stopping): it is out of the map and a new one replaces it.</summary>
        public bool IsClosed { get; set; }

        public bool IsSubscribed => Subscribing is { IsCompletedSuccessfully: true } && !IsClosed;
    }

    private sealed class UserObserver(IClientProxy user) : IUserObserver
    {
        public Task OnMessageAsync(ChatMessage message) => user.SendAsync(HubEvents.Message, message);

        public Task OnMessageChangedAsync(ChatMessage message) => user.SendAsync(HubEvents.MessageChanged, message);

        public Task OnReceiptAsync(Receipt receipt) => user.SendAsync(HubEvents.Receipt, receipt);

        public Task OnTypingAsync(TypingEvent typing) => user.SendAsync(HubEvents.Typing, typing);

        public Task OnPresenceAsync(PresenceEvent presence) => user.SendAsync(HubEvents.Presence, presence);
    }
}

/// <summary>
/// One renewal of every listener of a gateway (the gateway's <paramref name="Round"/>th): how long it took, and how many
/// users it renewed or failed to.
/// </summary>
public sealed record ListenerRenewal(long Round, TimeSpan Duration, int Renewed, int Failed);

using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Hosting;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// Bridges user grains to SignalR: one grain observer per connected user in this gateway process, subscribed to that
/// user's grain, forwarding every event to the user's SignalR group (all their tabs). Subscriptions are renewed on a
/// timer, which also re-subscribes after a grain moved or its silo restarted; a dead gateway's subscriptions simply
/// stop being renewed and expire.
/// </summary>
public sealed partial class UserEventBridge(
    IClusterClient cluster,
    IHubContext<ChatHub> hub,
    IOptions<GatewayApiOptions> options,
    ILogger<UserEventBridge> logger) : BackgroundService
{
    private readonly Dictionary<long, Subscription> _subscriptions = [];
    private readonly SemaphoreSlim _lock = new(1, 1);

    // Written under _lock, read by metric collection without it: a scrape must not wait behind a grain call.
    private int _connectedUsers;
    private int _hubConnections;

    /// <summary>Users with at least one hub connection on this gateway.</summary>
    public int ConnectedUsers => Volatile.Read(ref _connectedUsers);

    /// <summary>Hub connections on this gateway that have been attached and not yet detached.</summary>
    public int HubConnections => Volatile.Read(ref _hubConnections);

    /// <summary>A connection of the user opened: make sure this gateway listens to the user's grain.</summary>
    public async Task AttachAsync(long userId)
    {
        await _lock.WaitAsync();
        try
        {
            Volatile.Write(ref _hubConnections, _hubConnections + 1);
            if (_subscriptions.TryGetValue(userId, out var existing))
            {
                existing.Connections++;
                return;
            }

            var observer = new UserObserver(hub.Clients.Group(HubEvents.UserGroup(userId)));
            var subscription = new Subscription(observer, cluster.CreateObjectReference<IUserObserver>(observer)) { Connections = 1 };
            _subscriptions[userId] = subscription;
            Volatile.Write(ref _connectedUsers, _subscriptions.Count);
            await cluster.GetGrain<IUserGrain>(userId).SubscribeAsync(subscription.Reference);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A connection closed: when it was the user's last one here, stop listening (the user may go offline).</summary>
    public async Task DetachAsync(long userId)
    {
        Subscription? closing = null;
        await _lock.WaitAsync();
        try
        {
            if (_subscriptions.TryGetValue(userId, out var subscription))
            {
                Volatile.Write(ref _hubConnections, _hubConnections - 1);
                if (--subscription.Connections == 0)
                {
                    _subscriptions.Remove(userId);
                    Volatile.Write(ref _connectedUsers, _subscriptions.Count);
                    closing = subscription;
                }
            }
        }
        finally
        {
            _lock.Release();
        }

        if (closing is not null)
        {
            await UnsubscribeAsync(userId, closing);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ObserverRenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await _lock.WaitAsync(stoppingToken);
            List<KeyValuePair<long, Subscription>> current;
            try
            {
                current = [.. _subscriptions];
            }
            finally
            {
                _lock.Release();
            }

            foreach (var (userId, subscription) in current)
            {
                try
                {
                    await cluster.GetGrain<IUserGrain>(userId).SubscribeAsync(subscription.Reference);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogRenewalFailed(exception, userId);
                }
            }
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
        List<KeyValuePair<long, Subscription>> closing;
        await _lock.WaitAsync(CancellationToken.None);
        try
        {
            closing = [.. _subscriptions];
            _subscriptions.Clear();
            Volatile.Write(ref _connectedUsers, 0);
        }
        finally
        {
            _lock.Release();
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

    private async Task UnsubscribeAsync(long userId, Subscription subscription)
    {
        try
        {
            await cluster.GetGrain<IUserGrain>(userId).UnsubscribeAsync(subscription.Reference);
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(exception, userId);
        }
        finally
        {
            cluster.DeleteObjectReference<IUserObserver>(subscription.Reference);
        }
    }

    public override void Dispose()
    {
        _lock.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Could not renew the event subscription of user {UserId}; retrying at the next renewal")]
    private partial void LogRenewalFailed(Exception exception, long userId);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Stopping: unsubscribed the event listeners of {Users} users")]
    private partial void LogUnsubscribedAll(int users);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Warning, Message = "Stopping: the event listeners of {Users} users were not all unsubscribed within {Bound}")]
    private partial void LogUnsubscribeIncomplete(int users, TimeSpan bound);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "Could not unsubscribe the event listener of user {UserId}; the grain drops it at its first failed push or at expiry")]
    private partial void LogUnsubscribeFailed(Exception exception, long userId);

    private sealed class Subscription(UserObserver observer, IUserObserver reference)
    {
        // Held so the observer object lives as long as the cluster may call it.
        public UserObserver Observer { get; } = observer;

        public IUserObserver Reference { get; } = reference;

        public int Connections { get; set; }
    }

    private sealed class UserObserver(IClientProxy user) : IUserObserver
    {
        public Task OnMessageAsync(ChatMessage message) => user.SendAsync(HubEvents.Message, message);

        public Task OnReceiptAsync(Receipt receipt) => user.SendAsync(HubEvents.Receipt, receipt);

        public Task OnTypingAsync(TypingEvent typing) => user.SendAsync(HubEvents.Typing, typing);

        public Task OnPresenceAsync(PresenceEvent presence) => user.SendAsync(HubEvents.Presence, presence);
    }
}

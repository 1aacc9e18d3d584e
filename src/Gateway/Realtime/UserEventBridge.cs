using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// Bridges user grains to SignalR. The gateway has one grain observer for all its users: each connected user's grain
/// holds it, and every silo sends it what it has for this gateway in one call, which this bridge fans out to the users'
/// SignalR groups (all their tabs). Subscriptions are renewed on a timer, many at once within a bound, which also
/// re-subscribes after a grain moved or its silo restarted; a dead gateway's subscriptions simply stop being renewed
/// and expire. Each user's listener has its own state, changed under its own short lock and never across a grain call,
/// so one user's slow grain holds up nobody else.
/// </summary>
public sealed partial class UserEventBridge : BackgroundService
{
    private readonly IClusterClient _cluster;
    private readonly ListenerOptions _listening;
    private readonly ClusterCallOptions _calls;
    private readonly ILogger<UserEventBridge> _logger;
    private readonly ConcurrentDictionary<long, UserListener> _listeners = new();

    // Held so the observer object lives as long as the cluster may call it.
    private readonly PushReceiver _receiver;
    private readonly Lazy<IGatewayObserver> _reference;
    private int _hubConnections;

    public UserEventBridge(
        IClusterClient cluster,
        IHubContext<ChatHub, IChatClient> hub,
        TokenVersionCache tokenVersions,
        IOptions<ListenerOptions> listening,
        IOptions<ClusterCallOptions> calls,
        ILogger<UserEventBridge> logger)
    {
        _cluster = cluster;
        _listening = listening.Value;
        _calls = calls.Value;
        _logger = logger;
        _receiver = new PushReceiver(this, hub, tokenVersions);
        // Made at first use: the client may not have connected yet when the host builds this service.
        _reference = new Lazy<IGatewayObserver>(() => cluster.CreateObjectReference<IGatewayObserver>(_receiver));
    }

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
    public async Task AttachAsync(long userId, HubCallerContext connection)
    {
        while (true)
        {
            var listener = _listeners.GetOrAdd(userId, static _ => new UserListener());
            Task subscribing;
            lock (listener)
            {
                if (listener.IsClosed)
                {
                    continue; // its last connection just left; a new listener takes its place
                }

                listener.Connections.Add(connection);
                subscribing = listener.Subscribing ??= _cluster.GetGrain<IUserGrain>(userId).SubscribeAsync(_reference.Value);
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

                await DetachAsync(userId, connection);
                throw;
            }
        }
    }

    /// <summary>A connection closed: when it was the user's last one here, stop listening (the user may go offline).</summary>
    public async Task DetachAsync(long userId, HubCallerContext connection)
    {
        if (!_listeners.TryGetValue(userId, out var listener))
        {
            return;
        }

        bool wasLast;
        lock (listener)
        {
            if (!listener.Connections.Remove(connection))
            {
                return;
            }

            wasLast = listener.Connections.Count == 0;
            if (wasLast)
            {
                listener.IsClosed = true;
                _listeners.TryRemove(new KeyValuePair<long, UserListener>(userId, listener));
            }
        }

        Interlocked.Decrement(ref _hubConnections);
        if (wasLast)
        {
            await UnsubscribeAsync(userId);
        }
    }

    /// <summary>The user signed out everywhere: their connections opened with an older token close now, not when the token expires.</summary>
    private void CloseSignedOut(long userId, int tokenVersion)
    {
        if (!_listeners.TryGetValue(userId, out var listener))
        {
            return;
        }

        List<HubCallerContext> signedOut;
        lock (listener)
        {
            signedOut = [.. listener.Connections.Where(connection => TokenVersionOf(connection) < tokenVersion)];
        }

        foreach (var connection in signedOut)
        {
            connection.Abort();
        }

        LogClosedSignedOut(signedOut.Count, userId);
    }

    private static int TokenVersionOf(HubCallerContext connection) =>
        int.TryParse(connection.User?.FindFirst(TokenIssuer.TokenVersionClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RegisterGatewayAsync();
        using var timer = new PeriodicTimer(_listening.ObserverRenewInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RegisterGatewayAsync();
            var started = Stopwatch.GetTimestamp();
            var (renewed, failed) = (0, 0);
            await Parallel.ForEachAsync(
                _listeners.Where(pair => pair.Value.IsSubscribed),
                new ParallelOptions { MaxDegreeOfParallelism = _listening.ObserverRenewConcurrency, CancellationToken = stoppingToken },
                async (pair, _) =>
                {
                    if (await RenewAsync(pair.Key))
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

        var unsubscribed = Task.WhenAll(closing.Select(pair => UnsubscribeAsync(pair.Key)).Append(UnregisterGatewayAsync()));
        try
        {
            await unsubscribed.WaitAsync(_listening.ObserverUnsubscribeTimeout, cancellationToken);
            LogUnsubscribedAll(closing.Count);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Those not reached in time expire in the grains, or fail their next push once and are dropped.
            LogUnsubscribeIncomplete(closing.Count, _listening.ObserverUnsubscribeTimeout);
        }
    }

    /// <summary>Tells the cluster this gateway is alive, so broadcasts (sign-outs) reach it; renewed with the subscriptions.</summary>
    private async Task RegisterGatewayAsync()
    {
        try
        {
            await _cluster.GetGrain<IGatewayRegistryGrain>(0).RenewAsync(_reference.Value).WaitAsync(_calls.ClusterAttemptTimeout);
        }
        catch (Exception exception)
        {
            // As for a user's renewal: a cancellation here is Orleans giving up on the call, and must not stop the host.
            LogRegistrationFailed(exception);
        }
    }

    private async Task UnregisterGatewayAsync()
    {
        try
        {
            await _cluster.GetGrain<IGatewayRegistryGrain>(0).RemoveAsync(_reference.Value);
        }
        catch (Exception exception)
        {
            LogRegistrationFailed(exception);
        }
    }

    /// <summary>One user's renewal, bounded so that a grain on a silo that just died holds a renewal slot only briefly.</summary>
    private async Task<bool> RenewAsync(long userId)
    {
        try
        {
            await _cluster.GetGrain<IUserGrain>(userId).SubscribeAsync(_reference.Value).WaitAsync(_calls.ClusterAttemptTimeout);
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

    private async Task UnsubscribeAsync(long userId)
    {
        try
        {
            await _cluster.GetGrain<IUserGrain>(userId).UnsubscribeAsync(_reference.Value);
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(exception, userId);
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

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "Could not renew this gateway's registration with the cluster; retrying at the next renewal")]
    private partial void LogRegistrationFailed(Exception exception);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Information, Message = "Closed {Connections} connections of user {UserId}, who signed out everywhere")]
    private partial void LogClosedSignedOut(int connections, long userId);

    /// <summary>One user's listener on this gateway; its fields change only under a lock on it.</summary>
    private sealed class UserListener
    {
        /// <summary>The user's open hub connections at this gateway.</summary>
        public HashSet<HubCallerContext> Connections { get; } = [];

        /// <summary>The first subscription call, shared by the connections that open while it runs.</summary>
        public Task? Subscribing { get; set; }

        /// <summary>Its last connection left (or the gateway is stopping): it is out of the map and a new one replaces it.</summary>
        public bool IsClosed { get; set; }

        public bool IsSubscribed => Subscribing is { IsCompletedSuccessfully: true } && !IsClosed;
    }

    /// <summary>
    /// The gateway's observer: hands each push to its user's SignalR group and answers at once. The writes to the
    /// connections go on by themselves (in order for each connection), so one slow browser holds up no silo's next call.
    /// </summary>
    private sealed class PushReceiver(UserEventBridge bridge, IHubContext<ChatHub, IChatClient> hub, TokenVersionCache tokenVersions) : IGatewayObserver
    {
        public Task OnPushesAsync(IReadOnlyList<DevicePush> pushes)
        {
            foreach (var push in pushes)
            {
                var user = hub.Clients.Group(HubEvents.UserGroup(push.UserId));
                switch (push)
                {
                    case NewMessagesPush { Messages: var messages }:
                        foreach (var message in messages)
                        {
                            Observe(user.Message(message));
                        }

                        break;
                    case ChangedMessagePush { Message: var changed }:
                        Observe(user.MessageChanged(changed));
                        break;
                    case ReceiptPush { Receipt: var receipt }:
                        Observe(user.Receipt(receipt));
                        break;
                    case TypingPush { Typing: var typing }:
                        Observe(user.Typing(typing));
                        break;
                    case PresencePush { Presence: var presence }:
                        Observe(user.Presence(presence));
                        break;
                    case GroupInvitationPush { Invitation: var invitation }:
                        Observe(user.GroupInvitation(invitation));
                        break;
                    case SignedOutPush { TokenVersion: var version }:
                        tokenVersions.Learn(push.UserId, version);
                        bridge.CloseSignedOut(push.UserId, version);
                        break;
                }
            }

            return Task.CompletedTask;
        }

        private void Observe(Task write)
        {
            if (!write.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(write);
            }
        }

        private async Task ObserveAsync(Task write)
        {
            try
            {
                await write;
            }
            catch (Exception exception)
            {
                // A connection that closed meanwhile; its tab resynchronises when it reconnects.
                bridge.LogWriteFailed(exception);
            }
        }
    }

    [LoggerMessage(EventId = 8007, Level = LogLevel.Debug, Message = "A push to a hub connection failed")]
    private partial void LogWriteFailed(Exception exception);
}

/// <summary>
/// One renewal of every listener of a gateway (the gateway's <paramref name="Round"/>th): how long it took, and how many
/// users it renewed or failed to.
/// </summary>
public sealed record ListenerRenewal(long Round, TimeSpan Duration, int Renewed, int Failed);

using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Telemetry;

namespace WhatsApp.Grains.Realtime;

/// <summary>
/// This silo's pushes to gateways: one outbox per gateway, shared by every grain of the silo. An outbox has at most one
/// call in flight; what its grains post meanwhile (and within a short window before the first call) goes to the gateway
/// as the next single call. So under load a silo sends one message per gateway for many events, instead of one answered
/// call per event and user.
/// <para>
/// A call that fails, or gets no answer within the push timeout, marks the gateway unreachable: what was queued for it is
/// dropped (the tabs resynchronise when they reconnect, and everything pushed is durable already), posts to it are
/// refused, and each user grain drops it from its listeners at its next push. A renewal from that gateway (it was alive
/// after all) makes it reachable again.
/// </para>
/// </summary>
public sealed partial class GatewayOutboxes(IOptions<ChatOptions> options, TimeProvider time, ILogger<GatewayOutboxes> logger)
{
    /// <summary>At most this many pushes go in one call, so one call's message stays a modest size.</summary>
    private const int MaxPushesPerCall = 512;

    private readonly ConcurrentDictionary<IGatewayObserver, Outbox> _outboxes = new();
    private long _nextSweepTicks;

    /// <summary>Hands a push to the gateway's outbox; false (and nothing queued) when the gateway is unreachable.</summary>
    public bool TryPost(IGatewayObserver gateway, DevicePush push)
    {
        while (true)
        {
            var outbox = _outboxes.GetOrAdd(gateway, static key => new Outbox(key));
            lock (outbox)
            {
                if (outbox.IsRetired)
                {
                    continue; // swept just now; a fresh outbox takes its place
                }

                if (outbox.IsUnreachable)
                {
                    return false;
                }

                outbox.Queue.Add(new QueuedPush(push, ChatTracing.RecordedContext()));
                outbox.LastUsedTicks = time.GetTimestamp();
                if (outbox.IsSending)
                {
                    return true;
                }

                outbox.IsSending = true;
            }

            // Off the posting grain's scheduler: the grain goes on at once, and the outbox serves every grain of the silo.
            // Nothing of the posting call's context comes along: each call to the gateway is traced as a push of the
            // first recorded send it carries, not of whatever happened to start the outbox.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => DrainAsync(outbox));
            }

            return true;
        }
    }

    /// <summary>The gateway renewed a subscription: it is alive, so pushes to it are accepted again.</summary>
    public void Renewed(IGatewayObserver gateway)
    {
        if (_outboxes.TryGetValue(gateway, out var outbox))
        {
            lock (outbox)
            {
                outbox.IsUnreachable = false;
                outbox.LastUsedTicks = time.GetTimestamp();
            }
        }

        SweepIdleOutboxes();
    }

    /// <summary>Whether the last push to this gateway failed and it has not renewed since.</summary>
    public bool IsUnreachable(IGatewayObserver gateway) =>
        _outboxes.TryGetValue(gateway, out var outbox) && outbox.IsUnreachable;

    private async Task DrainAsync(Outbox outbox)
    {
        if (options.Value.GatewayPushWindow > TimeSpan.Zero)
        {
            await Task.Delay(options.Value.GatewayPushWindow, time);
        }

        while (true)
        {
            List<QueuedPush> call;
            lock (outbox)
            {
                if (outbox.Queue.Count == 0)
                {
                    outbox.IsSending = false;
                    return;
                }

                call = outbox.Queue.Count <= MaxPushesPerCall ? outbox.Queue : outbox.Queue[..MaxPushesPerCall];
                outbox.Queue = outbox.Queue.Count <= MaxPushesPerCall ? [] : outbox.Queue[MaxPushesPerCall..];
            }

            try
            {
                using var trace = ChatTracing.StartChild(ChatTracing.PushSpan, call.Select(queued => queued.Trace).FirstOrDefault(trace => trace is not null));
                await outbox.Gateway.OnPushesAsync([.. call.Select(queued => queued.Push)]).WaitAsync(options.Value.DevicePushTimeout, time);
            }
            catch (Exception exception)
            {
                int dropped;
                lock (outbox)
                {
                    dropped = call.Count + outbox.Queue.Count;
                    outbox.Queue.Clear();
                    outbox.IsUnreachable = true;
                    outbox.IsSending = false;
                }

                var error = exception.GetType().Name;
                LogGatewayUnreachable(outbox.Gateway, error, dropped);
                return;
            }
        }
    }

    /// <summary>
    /// Forgets outboxes unused for longer than the observer expiry (gateways that stopped or died: every user grain has
    /// expired them by then), at most once per expiry period.
    /// </summary>
    private void SweepIdleOutboxes()
    {
        var now = time.GetTimestamp();
        var next = Interlocked.Read(ref _nextSweepTicks);
        var expiryTicks = (long)(options.Value.ObserverExpiry.TotalSeconds * time.TimestampFrequency);
        if (now < next || Interlocked.CompareExchange(ref _nextSweepTicks, now + expiryTicks, next) != next)
        {
            return;
        }

        foreach (var (gateway, outbox) in _outboxes)
        {
            lock (outbox)
            {
                if (!outbox.IsSending && now - outbox.LastUsedTicks > expiryTicks)
                {
                    outbox.IsRetired = true;
                    _outboxes.TryRemove(new KeyValuePair<IGatewayObserver, Outbox>(gateway, outbox));
                }
            }
        }
    }

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information,
        Message = "Gateway {Gateway} did not take a push ({Error}): {Dropped} pushes dropped; its users' grains drop it until it renews")]
    private partial void LogGatewayUnreachable(IGatewayObserver gateway, string error, int dropped);

    /// <summary>A push waiting for its gateway, with the trace of the send it tells about when that is being recorded.</summary>
    private sealed record QueuedPush(DevicePush Push, ActivityContext? Trace);

    /// <summary>One gateway's queue; its fields change only under a lock on it.</summary>
    private sealed class Outbox(IGatewayObserver gateway)
    {
        public IGatewayObserver Gateway { get; } = gateway;

        public List<QueuedPush> Queue { get; set; } = [];

        public bool IsSending { get; set; }

        public bool IsUnreachable { get; set; }

        public bool IsRetired { get; set; }

        public long LastUsedTicks { get; set; }
    }
}

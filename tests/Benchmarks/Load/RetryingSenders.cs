using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Scenarios;

namespace WhatsApp.Benchmarks.Load;

/// <summary>Where a sender sends: a person (<see cref="PeerId"/>) or a group (<see cref="GroupId"/>).</summary>
public sealed record ChatTarget(ChatUser Sender, long? PeerId = null, long? GroupId = null)
{
    public static ChatTarget Direct(ChatUser sender, long peerId) => new(sender, PeerId: peerId);

    public static ChatTarget Group(ChatUser sender, long groupId) => new(sender, GroupId: groupId);
}

/// <summary>An acknowledged send: to where, under which clientMessageId, started and acknowledged when.</summary>
public sealed record AcknowledgedSend(ChatTarget Target, string ClientMessageId, TimeSpan Started, TimeSpan Acknowledged);

/// <summary>One HTTP attempt of a send; the status is null when no answer came (a connection error or a timeout).</summary>
public sealed record SendAttempt(ChatTarget Target, TimeSpan Started, TimeSpan Ended, HttpStatusCode? Status)
{
    public bool Acknowledged => Status is HttpStatusCode.Created or HttpStatusCode.OK;
}

/// <summary>
/// One sender per target, each sending its next message only once the previous one is acknowledged, and retrying a
/// failed one after a short pause with the same clientMessageId, as the web client does. What it records is what the
/// fault scenarios check: every acknowledged send must be stored once, and every attempt shows what a fault cost.
/// </summary>
public sealed class RetryingSenders : IAsyncDisposable
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private readonly ChatApi _api;
    private readonly string _label;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<AcknowledgedSend> _sends = new();
    private readonly ConcurrentQueue<SendAttempt> _attempts = new();
    private readonly CancellationTokenSource _stop = new();
    private List<Task> _senders = [];

    private RetryingSenders(ChatApi api, string label) => (_api, _label) = (api, label);

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>The sends acknowledged so far.</summary>
    public IReadOnlyList<AcknowledgedSend> Sends => [.. _sends];

    /// <summary>Every attempt so far.</summary>
    public IReadOnlyList<SendAttempt> Attempts => [.. _attempts];

    /// <summary>Starts one sender per target; <paramref name="label"/> starts each message's text.</summary>
    public static RetryingSenders Start(ChatApi api, IEnumerable<ChatTarget> targets, string label)
    {
        var senders = new RetryingSenders(api, label);
        senders._senders = [.. targets.Select(senders.SendUntilStoppedAsync)];
        return senders;
    }

    public TimeSpan? FirstAcknowledgementOfASendStartedAfter(TimeSpan moment)
    {
        var after = _sends.Where(send => send.Started > moment).ToList();
        return after.Count == 0 ? null : after.Min(send => send.Acknowledged) - moment;
    }

    /// <summary>Acknowledged sends/s over a window, shown as it runs.</summary>
    public Task<double> CountAsync(string what, TimeSpan window) => ScenarioContext.MeasureAsync(
        what,
        async () =>
        {
            var first = _sends.Count;
            await Task.Delay(window);
            return (_sends.Count - first) / window.TotalSeconds;
        },
        perSecond => $"{perSecond:F0} acknowledged/s");

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task SendUntilStoppedAsync(ChatTarget target)
    {
        for (var index = 0; !_stop.IsCancellationRequested; index++)
        {
            var clientMessageId = Guid.NewGuid().ToString("N");
            var started = Now;
            while (!await AttemptAsync(target, $"{_label} {index}", clientMessageId))
            {
                await Task.Delay(RetryPause, CancellationToken.None);
            }

            _sends.Enqueue(new AcknowledgedSend(target, clientMessageId, started, Now));
        }
    }

    private async Task<bool> AttemptAsync(ChatTarget target, string content, string clientMessageId)
    {
        var started = Now;
        HttpStatusCode? status;
        try
        {
            status = target.GroupId is { } groupId
                ? await _api.SendToGroupForStatusAsync(target.Sender, groupId, content, clientMessageId)
                : await _api.SendForStatusAsync(target.Sender, target.PeerId!.Value, content, clientMessageId);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            status = null;
        }

        var attempt = new SendAttempt(target, started, Now, status);
        _attempts.Enqueue(attempt);
        return attempt.Acknowledged;
    }
}

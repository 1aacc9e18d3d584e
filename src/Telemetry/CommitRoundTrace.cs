using System.Diagnostics;

namespace WhatsApp.Telemetry;

/// <summary>
/// The trace of one write round of a conversation: the sends it numbers are committed together, so the round's commit
/// is a span of the first traced send's path (the group commit tags it with its transaction's figures) and a copy of it
/// goes into each other traced send's path; the round's notifications go out under the first traced send.
/// </summary>
public sealed class CommitRoundTrace : IDisposable
{
    // What a round gets when nothing listens (tracing off): no allocation, and the ambient activity left alone.
    private static readonly CommitRoundTrace Untraced = new();

    private readonly IReadOnlyList<ActivityContext> _sends;
    private readonly Activity? _commit;

    private CommitRoundTrace() => _sends = [];

    private CommitRoundTrace(IReadOnlyList<ActivityContext> sends)
    {
        _sends = sends;
        // A write loop runs in the flow of the send that started it: no later round may land in that send's trace.
        if (Activity.Current is { Recorded: true })
        {
            Activity.Current = null;
        }

        _commit = ChatTracing.StartChild(ChatTracing.CommitSpan, FirstSend);
    }

    private ActivityContext? FirstSend => _sends.Count > 0 ? _sends[0] : null;

    /// <summary>Starts the round's commit span (made current) for the traced ones among these sends.</summary>
    public static CommitRoundTrace Start(IEnumerable<ActivityContext?> sends) =>
        ChatTracing.Source.HasListeners() ? new([.. sends.OfType<ActivityContext>()]) : Untraced;

    /// <summary>The round committed (or conflicted, which is an answer too): its commit span ends in every traced send's path.</summary>
    public void Committed()
    {
        if (_commit is null || _commit.IsStopped)
        {
            return;
        }

        _commit.Stop();
        foreach (var send in _sends.Skip(1))
        {
            ChatTracing.RecordCommitIn(send, _commit);
        }
    }

    public void Failed(Exception exception)
    {
        _commit?.SetStatus(ActivityStatusCode.Error, exception.Message);
        _commit?.Stop();
    }

    /// <summary>A span, made current, under which the round's notifications go out; dispose it once they are queued.</summary>
    public Activity? Deliver() => ChatTracing.StartChild(ChatTracing.DeliverSpan, FirstSend);

    public void Dispose() => _commit?.Dispose();
}

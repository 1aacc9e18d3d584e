using System.Diagnostics;

namespace WhatsApp.Telemetry;

/// <summary>
/// The chat's own spans (activity source "WhatsApp.Chat"), which tie a message's path together: the send a gateway
/// takes starts a trace, the conversation grain's commit of it is a span of that trace, and the tags name the message
/// so its path can be found again. Orleans' grain-call spans, carried across silos with W3C trace context, fill in the
/// hops between; Npgsql's spans show the commit's statements.
/// </summary>
public static class ChatTracing
{
    public const string SourceName = "WhatsApp.Chat";
    public const string SendSpan = "whatsapp.send";
    public const string CommitSpan = "whatsapp.commit";
    public const string DeliverSpan = "whatsapp.deliver";
    public const string PushSpan = "whatsapp.push";

    public const string ConversationTag = "whatsapp.conversation";
    public const string SequenceTag = "whatsapp.sequence";
    public const string ViaTag = "whatsapp.via";
    public const string CommitMessagesTag = "whatsapp.commit.messages";
    public const string CommitWritesTag = "whatsapp.commit.writes";
    public const string CommitMillisecondsTag = "whatsapp.commit.ms";
    public const string ConnectionsTag = "whatsapp.connections";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Starts the trace of one message send, as a root of its own: the HTTP request or hub connection that carries it
    /// is not part of the message's path (a hub connection carries thousands of sends). Null when no one listens.
    /// </summary>
    public static Activity? StartSend(string via)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        // Activity.Current is async-local: clearing it here changes only this send's flow, and the caller's comes back
        // when the calling async method returns.
        Activity.Current = null;
        var send = Source.StartActivity(SendSpan, ActivityKind.Server);
        send?.SetTag(ViaTag, via);
        return send;
    }

    /// <summary>Names the message a span carried, so its path can be found by conversation and sequence.</summary>
    public static void Tag(Activity? span, string conversationId, long sequence)
    {
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(ConversationTag, conversationId);
            span.SetTag(SequenceTag, sequence);
        }
    }

    /// <summary>The context of the span running now, when its trace is being recorded; null otherwise.</summary>
    public static ActivityContext? RecordedContext() =>
        Activity.Current is { Recorded: true } current ? current.Context : null;

    /// <summary>Starts a child span of a recorded send (made current), or nothing when the send is not recorded.</summary>
    public static Activity? StartChild(string name, ActivityContext? parent) =>
        parent is { } context ? Source.StartActivity(name, ActivityKind.Internal, context) : null;

    /// <summary>
    /// The same commit in another send's trace: messages of several sends share one transaction, and each message's
    /// path shows the commit it rode in, with the same times and figures.
    /// </summary>
    public static void RecordCommitIn(ActivityContext parent, Activity commit)
    {
        using var copy = Source.StartActivity(CommitSpan, ActivityKind.Internal, parent, commit.TagObjects, startTime: commit.StartTimeUtc);
        copy?.SetEndTime(commit.StartTimeUtc + commit.Duration);
    }

    /// <summary>Tells the commit span running now what its transaction carried and how long it took.</summary>
    public static void DescribeCommit(Activity? commit, int messages, int writes, TimeSpan elapsed)
    {
        if (commit is { IsAllDataRequested: true })
        {
            commit.SetTag(CommitMessagesTag, messages);
            commit.SetTag(CommitWritesTag, writes);
            commit.SetTag(CommitMillisecondsTag, Math.Round(elapsed.TotalMilliseconds, 2));
        }
    }
}

using System.Diagnostics;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Storage;
using WhatsApp.Telemetry;

namespace WhatsApp.Grains.Conversations;

/// <summary>What numbering a conversation's messages needs from its storage.</summary>
internal interface ISequencedMessageStore
{
    /// <summary>The newest sequence stored (0 when the conversation has no message).</summary>
    Task<long> LastSequenceAsync();

    /// <summary>Commits numbered rows as one write; the messages as stored, or null when a sequence or a clientMessageId was taken (nothing stored).</summary>
    Task<IReadOnlyList<ChatMessage>?> AppendAsync(IReadOnlyList<MessageRow> rows);

    /// <summary>The stored messages among those sent under these clientMessageIds.</summary>
    Task<IReadOnlyList<ChatMessage>> FindByClientMessageIdsAsync(IReadOnlyList<(long FromUserId, string ClientMessageId)> keys);

    /// <summary>The messages from <paramref name="oldest"/> to <paramref name="newest"/>, both included, oldest first.</summary>
    Task<IReadOnlyList<ChatMessage>> ReadAsync(long oldest, long newest);
}

/// <summary>A message to be numbered: a send, or a group change recorded as a message.</summary>
internal sealed record MessageDraft(long FromUserId, string Content, string? ClientMessageId, MessageKind Kind, long? ReplyTo = null, MessageMedia? Media = null);

/// <summary>A message as its sender is answered: stored for this draft, or stored before under the same clientMessageId.</summary>
internal sealed record SequencedMessage(ChatMessage Message, bool WasDuplicate);

/// <summary>
/// Numbers one conversation's messages. Drafts interleave, but one write loop assigns sequences: it takes every draft
/// queued so far, numbers them after the last committed sequence and commits them as one write; drafts arriving
/// meanwhile wait for the next write. So sequences stay gapless with at most one write in flight, and a draft is
/// answered only once its transaction has committed. After a failed commit (its outcome unknown) or a conflict (another
/// writer got there first) it reads where storage really stands before numbering anything again.
/// No Orleans here: its owner calls it from one thread at a time (a grain's scheduler), which is what keeps the
/// numbering serial; the unit tests drive it the same way on an exclusive scheduler over an in-memory store.
/// </summary>
internal sealed class MessageSequencer(
    ISequencedMessageStore store,
    TimeProvider time,
    int recentClientMessageIds,
    Action<IReadOnlyList<MessageRow>, IReadOnlyList<ChatMessage>> committed)
{
    /// <summary>A conflicting write is retried after reloading; past this many conflicts its drafts fail instead.</summary>
    public const int MaxConflictsPerDraft = 3;

    private readonly RecentClientMessageIds _recentIds = new(recentClientMessageIds);
    private readonly List<Pending> _queued = [];
    private readonly Dictionary<(long Sender, string ClientMessageId), Pending> _unwritten = [];
    private bool _lastSequenceIsKnown = true;

    /// <summary>The newest sequence committed, as far as this sequencer knows.</summary>
    public long LastSequence { get; private set; }

    /// <summary>Whether a write loop is running (drafts are queued or being committed).</summary>
    public bool IsWriting { get; private set; }

    /// <summary>Reads where storage stands; before the first draft.</summary>
    public async Task LoadAsync() => LastSequence = await store.LastSequenceAsync();

    /// <summary>Queues a draft; completes with its message once committed, or faults when its write failed.</summary>
    public Task<SequencedMessage> AppendAsync(MessageDraft draft)
    {
        var pending = new Pending(draft);
        _queued.Add(pending);
        if (draft.ClientMessageId is { } clientMessageId)
        {
            _unwritten[(draft.FromUserId, clientMessageId)] = pending;
        }

        if (!IsWriting)
        {
            _ = WriteQueuedAsync();
        }

        return pending.Stored.Task;
    }

    /// <summary>The message this activation committed lately under the sender's clientMessageId, read back; null if none.</summary>
    public async Task<ChatMessage?> CommittedLatelyAsync(long fromUserId, string clientMessageId) =>
        _recentIds.TryGetSequence(fromUserId, clientMessageId, out var sequence) ? (await store.ReadAsync(sequence, sequence))[0] : null;

    /// <summary>The answer to a draft with this clientMessageId that is queued or being committed; null if there is none.</summary>
    public Task<SequencedMessage>? BeingWritten(long fromUserId, string clientMessageId) =>
        _unwritten.TryGetValue((fromUserId, clientMessageId), out var pending) ? pending.Stored.Task : null;

    private async Task WriteQueuedAsync()
    {
        IsWriting = true;
        try
        {
            while (_queued.Count > 0)
            {
                if (!_lastSequenceIsKnown)
                {
                    await ReloadLastSequenceAsync();
                    continue;
                }

                var round = _queued.ToList();
                _queued.Clear();
                await CommitAsync(round);
            }
        }
        finally
        {
            IsWriting = false;
        }
    }

    private async Task CommitAsync(List<Pending> round)
    {
        var rows = Number(round);
        IReadOnlyList<ChatMessage>? messages;
        using var trace = CommitRoundTrace.Start(round.Select(pending => pending.Trace));
        try
        {
            messages = await store.AppendAsync(rows);
        }
        catch (Exception exception)
        {
            // The commit's outcome is unknown: fail these drafts (a retry with the same clientMessageId is exact) and
            // learn from storage where the conversation really stands before numbering anything again.
            Fail(round, exception);
            trace.Failed(exception);
            await ReloadLastSequenceAsync();
            return;
        }

        trace.Committed();
        if (messages is null)
        {
            await ResolveConflictAsync(round);
            return;
        }

        LastSequence = rows[^1].Sequence;
        for (var i = 0; i < round.Count; i++)
        {
            Complete(round[i], messages[i], wasDuplicate: false);
        }

        using (trace.Deliver())
        {
            committed(rows, messages);
        }
    }

    private List<MessageRow> Number(List<Pending> round)
    {
        var createdAt = ChatDatabase.StorablePrecision(time.GetUtcNow());
        return [.. round.Select((pending, i) => new MessageRow(LastSequence + 1 + i, pending.Draft.FromUserId, pending.Draft.Content, pending.Draft.ClientMessageId, createdAt, pending.Draft.Kind)
        {
            ReplyTo = pending.Draft.ReplyTo,
            Media = pending.Draft.Media,
        })];
    }

    /// <summary>
    /// Nothing of the round was stored because a sequence or a clientMessageId was taken: drafts already stored under
    /// their clientMessageId are answered with the stored message, the others go back to the front of the queue, to be
    /// numbered after the sequence storage really has.
    /// </summary>
    private async Task ResolveConflictAsync(List<Pending> round)
    {
        try
        {
            await ReloadLastSequenceAsync();
            var keys = round.Where(pending => pending.Draft.ClientMessageId is not null).Select(pending => (pending.Draft.FromUserId, pending.Draft.ClientMessageId!)).ToList();
            var stored = await store.FindByClientMessageIdsAsync(keys);
            var retry = new List<Pending>();
            foreach (var pending in round)
            {
                var original = stored.FirstOrDefault(message => pending.Draft.ClientMessageId is not null
                    && message.FromUserId == pending.Draft.FromUserId && message.ClientMessageId == pending.Draft.ClientMessageId);
                if (original is not null)
                {
                    Complete(pending, original, wasDuplicate: true);
                }
                else if (++pending.Conflicts >= MaxConflictsPerDraft)
                {
                    Fail([pending], new InvalidOperationException($"A message conflicted with stored ones {MaxConflictsPerDraft} times."));
                }
                else
                {
                    retry.Add(pending);
                }
            }

            _queued.InsertRange(0, retry);
        }
        catch (Exception exception)
        {
            Fail(round, exception);
        }
    }

    private async Task ReloadLastSequenceAsync()
    {
        try
        {
            LastSequence = await store.LastSequenceAsync();
            _lastSequenceIsKnown = true;
        }
        catch (Exception exception)
        {
            // Without knowing the last sequence nothing may be numbered: fail what waits, at once (while the database
            // is down, callers answer 503 straight away), and read it again before the next round. The owner stays:
            // a new grain activation could not activate while the database is down, and Orleans holds the calls to an
            // activation that failed for seconds before it rejects them.
            Fail(_queued, exception);
            _queued.Clear();
            _lastSequenceIsKnown = false;
        }
    }

    private void Complete(Pending pending, ChatMessage message, bool wasDuplicate)
    {
        Forget(pending);
        if (pending.Draft.ClientMessageId is { } clientMessageId)
        {
            _recentIds.Add(pending.Draft.FromUserId, clientMessageId, message.Sequence);
        }

        pending.Stored.TrySetResult(new SequencedMessage(message, wasDuplicate));
    }

    private void Fail(IEnumerable<Pending> round, Exception exception)
    {
        foreach (var pending in round)
        {
            Forget(pending);
            pending.Stored.TrySetException(exception);
        }
    }

    private void Forget(Pending pending)
    {
        if (pending.Draft.ClientMessageId is { } clientMessageId
            && _unwritten.TryGetValue((pending.Draft.FromUserId, clientMessageId), out var known) && known == pending)
        {
            _unwritten.Remove((pending.Draft.FromUserId, clientMessageId));
        }
    }

    /// <summary>A draft waiting for its write; completes with the stored message once committed.</summary>
    private sealed class Pending(MessageDraft draft)
    {
        public MessageDraft Draft { get; } = draft;

        /// <summary>The draft's trace, when it is being recorded: its commit and notifications become spans of it.</summary>
        public ActivityContext? Trace { get; } = ChatTracing.RecordedContext();

        public int Conflicts { get; set; }

        public TaskCompletionSource<SequencedMessage> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

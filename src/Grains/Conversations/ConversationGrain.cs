using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Diagnostics;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Storage;
using WhatsApp.Grains.Users;
using WhatsApp.Telemetry;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Owns one conversation's order and marks. Sends interleave, but only this grain's one write loop assigns sequences:
/// it takes every send queued so far, numbers them after the last committed sequence and hands them to the silo's
/// <see cref="MessageLog"/> as one write; sends arriving meanwhile wait for the next write. So sequences stay gapless
/// with at most one write in flight, and a send is acknowledged only once its transaction has committed.
/// </summary>
[GrainType(GrainTypes.Conversation)]
[ShardPlacement]
public sealed partial class ConversationGrain(
    [PersistentState("conversation", StorageNames.Chat)] IPersistentState<ConversationState> state,
    MessageLog log,
    RegisteredUsers registeredUsers,
    ShardMap shardMap,
    IOptions<ChatOptions> chatOptions,
    ChatMetrics metrics,
    TimeProvider time,
    ILogger<ConversationGrain> logger) : ShardedGrain(shardMap), IConversationGrain, IChatListLineRepair
{
    /// <summary>A conflicting write is retried after reloading; past this many conflicts its sends fail instead.</summary>
    private const int MaxConflictsPerSend = 3;

    private readonly RecentClientMessageIds _recentIds = new(chatOptions.Value.RecentClientMessageIds);
    private ParticipantOutbox _outbox = null!;
    private ConversationLog? _log;
    private GroupTimeline? _timeline;
    private GroupChatListLines? _groupLines;
    private readonly List<QueuedSend> _queued = [];
    private readonly Dictionary<(long Sender, string ClientMessageId), QueuedSend> _unwritten = [];
    private ConversationId? _id;
    private long _lastSequence;
    private bool _lastSequenceIsKnown = true;
    private bool _isWriting;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        _outbox = new ParticipantOutbox(this, GrainFactory, chatOptions.Value.NotificationRetryInterval, logger);
        if (ConversationId.TryParse(this.GetPrimaryKeyString(), out var id))
        {
            _id = id;
            _log = new ConversationLog(id, log, ShardMap.ShardCount);
            try
            {
                _lastSequence = await _log.LastSequenceAsync();
                if (id.IsGroup)
                {
                    await StartGroupAsync(_log);
                }
            }
            catch (System.Data.Common.DbException exception) when (exception.IsTransient)
            {
                throw new StorageUnavailableException($"Conversation {id} could not read its last sequence: {exception.Message}");
            }
        }
    }

    public async Task<ChatResult<SendReceipt>> SendAsync(long fromUserId, string content, string? clientMessageId, long? replyTo = null)
    {
        var started = Stopwatch.GetTimestamp();
        if (RefuseUnlessParticipant(fromUserId) is { } refusal)
        {
            return ChatResult.Fail<SendReceipt>(refusal);
        }

        var normalized = MessageLimits.NormalizeContent(content);
        if (!normalized.IsSuccess)
        {
            return ChatResult.Fail<SendReceipt>(normalized.Error);
        }

        if (MessageLimits.ValidateClientMessageId(clientMessageId) is { } invalidId)
        {
            return ChatResult.Fail<SendReceipt>(invalidId);
        }

        if (await StoredBeforeAsync(fromUserId, clientMessageId) is { } duplicate)
        {
            return ChatResult.Success(duplicate);
        }

        // A direct conversation starts with its first message, and only with someone registered. The sender is: the
        // caller vouches for them (the gateway with their token), and registration is permanent.
        if (_lastSequence == 0 && _timeline is null && await registeredUsers.UnregisteredAmongAsync([_id!.Value.PeerOf(fromUserId)]) is [var recipient])
        {
            return ChatResult.Fail<SendReceipt>(ChatErrorCode.UnknownRecipient, $"User {recipient} is not registered.");
        }

        if (replyTo is { } quoted && await RefuseReplyToAsync(fromUserId, quoted) is { } badQuote)
        {
            return ChatResult.Fail<SendReceipt>(badQuote);
        }

        var stored = await StoreAsync(new QueuedSend(fromUserId, normalized.Value, clientMessageId, MessageKind.Text) { ReplyTo = replyTo });
        ChatTracing.Tag(Activity.Current, stored.Message.ConversationId, stored.Message.Sequence);
        metrics.SendAcknowledged(Stopwatch.GetElapsedTime(started));
        return ChatResult.Success(stored);
    }

    public async Task<ChatResult<ChatMessage>> RecordGroupChangeAsync(GroupChange change, string changeId)
    {
        if (_timeline is null)
        {
            return ChatResult.Fail<ChatMessage>(ChatErrorCode.InvalidConversation, $"'{this.GetPrimaryKeyString()}' is not a group's conversation.");
        }

        var recorded = await StoredBeforeAsync(change.ActorId, changeId)
            ?? await StoreAsync(new QueuedSend(change.ActorId, GroupChangeContent.Write(change), changeId, MessageKind.GroupChange));
        return ChatResult.Success(recorded.Message);
    }

    /// <summary>The message stored (or being stored) under this sender's clientMessageId, if there is one.</summary>
    private async Task<SendReceipt?> StoredBeforeAsync(long fromUserId, string? clientMessageId)
    {
        if (clientMessageId is null)
        {
            return null;
        }

        if (_recentIds.TryGetSequence(fromUserId, clientMessageId, out var sentSequence))
        {
            var original = (await _log!.ReadAsync(sentSequence, sentSequence))[0];
            AnnounceAgain(original);
            return new SendReceipt(WithStatusForSender(original), WasDuplicate: true);
        }

        if (_unwritten.TryGetValue((fromUserId, clientMessageId), out var inFlight))
        {
            var first = await inFlight.Stored.Task;
            return new SendReceipt(WithStatusForSender(first.Message), WasDuplicate: true);
        }

        return null;
    }

    private async Task<SendReceipt> StoreAsync(QueuedSend send)
    {
        Enqueue(send);
        var stored = await send.Stored.Task;
        return new SendReceipt(WithStatusForSender(stored.Message), stored.WasDuplicate);
    }

    public async Task<ChatResult<HistoryPage>> GetHistoryAsync(long userId, long? beforeSequence, int limit)
    {
        if (RefuseUnlessReader(userId) is { } refusal)
        {
            return ChatResult.Fail<HistoryPage>(refusal);
        }

        if (limit is < 1 or > MessageLimits.MaxPageSize)
        {
            return ChatResult.Fail<HistoryPage>(ChatErrorCode.InvalidPaging, $"limit must be 1 to {MessageLimits.MaxPageSize}.");
        }

        if (beforeSequence is < 1)
        {
            return ChatResult.Fail<HistoryPage>(ChatErrorCode.InvalidSequence, "beforeSequence must be a positive sequence.");
        }

        // A group member reads their stay in the group: from the change that added them to the one that removed them.
        var stay = _timeline?.StayOf(userId) ?? new GroupTimeline.Stay(1, null);
        var newest = Math.Min(Math.Min((beforeSequence ?? long.MaxValue) - 1, _lastSequence), stay.Until ?? long.MaxValue);
        var oldest = Math.Max(stay.From, newest - limit + 1);
        IReadOnlyList<ChatMessage> messages = newest < oldest
            ? []
            : [.. (await _log!.ReadAsync(oldest, newest)).Select(WithStatusForSender)];
        return ChatResult.Success(new HistoryPage(_id!.Value.ToString(), messages, HasMore: newest >= oldest && oldest > stay.From));
    }

    public Task<ChatResult> MarkDeliveredAsync(long userId, long upToSequence) =>
        AdvanceMarksAsync(userId, upToSequence, ReceiptKind.Delivered);

    public Task<ChatResult> MarkReadAsync(long userId, long upToSequence) =>
        AdvanceMarksAsync(userId, upToSequence, ReceiptKind.Read);

    public async Task<ChatResult> SetTypingAsync(long userId, bool isTyping)
    {
        if ((RefuseUnlessParticipant(userId) ?? RefuseUntilFirstMessage()) is { } refusal)
        {
            return new ChatResult(refusal);
        }

        var typing = new TypingEvent(_id!.Value.ToString(), userId, isTyping);
        await Task.WhenAll(Participants.Where(participant => participant != userId)
            .Select(participant => GrainFactory.GetGrain<IUserGrain>(participant).OnTypingAsync(typing)));
        return ChatResult.Ok;
    }

    public async Task<ChatResult<MessageInfo>> GetMessageInfoAsync(long userId, long sequence)
    {
        if (RefuseUnlessReader(userId) is { } refusal)
        {
            return ChatResult.Fail<MessageInfo>(refusal);
        }

        if (sequence < 1 || sequence > _lastSequence)
        {
            return ChatResult.Fail<MessageInfo>(ChatErrorCode.InvalidSequence, $"sequence must be 1 to {_lastSequence}, the last message of the conversation.");
        }

        var message = (await _log!.ReadAsync(sequence, sequence))[0];
        if (message.FromUserId != userId || message.Kind != MessageKind.Text)
        {
            return ChatResult.Fail<MessageInfo>(ChatErrorCode.NotMessageAuthor, $"Only the author of message {sequence} sees who has received and read it.");
        }

        var readers = Readers(message).ToList();
        return ChatResult.Success(new MessageInfo(
            _id!.Value.ToString(),
            sequence,
            ReadBy: [.. readers.Where(reader => MarksOf(reader).ReadUpTo >= sequence)],
            DeliveredTo: [.. readers.Where(reader => MarksOf(reader).ReadUpTo < sequence && MarksOf(reader).DeliveredUpTo >= sequence)],
            Pending: [.. readers.Where(reader => MarksOf(reader).DeliveredUpTo < sequence)]));
    }

    private void Enqueue(QueuedSend send)
    {
        _queued.Add(send);
        if (send.ClientMessageId is { } clientMessageId)
        {
            _unwritten[(send.FromUserId, clientMessageId)] = send;
        }

        if (!_isWriting)
        {
            _ = WriteQueuedAsync();
        }
    }

    /// <summary>
    /// The conversation's one write loop: each round numbers everything queued after the last committed sequence and
    /// commits it as one write. Runs on the grain's scheduler, so nothing else assigns sequences meanwhile.
    /// </summary>
    private async Task WriteQueuedAsync()
    {
        _isWriting = true;
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
                var rows = Number(round);
                IReadOnlyList<ChatMessage>? messages;
                using var trace = CommitRoundTrace.Start(round.Select(send => send.Trace));
                try
                {
                    messages = await _log!.AppendAsync(rows);
                }
                catch (Exception exception)
                {
                    // The commit's outcome is unknown: fail these sends (a retry with the same clientMessageId is exact)
                    // and learn from storage where the conversation really stands before numbering anything again.
                    Fail(round, exception);
                    trace.Failed(exception);
                    await ReloadLastSequenceAsync();
                    continue;
                }

                trace.Committed();
                if (messages is null)
                {
                    await ResolveConflictAsync(round);
                    continue;
                }

                _lastSequence = rows[^1].Sequence;
                for (var i = 0; i < round.Count; i++)
                {
                    Complete(round[i], messages[i], wasDuplicate: false);
                }

                using (trace.Deliver())
                {
                    Announce(rows, messages);
                }
            }
        }
        finally
        {
            _isWriting = false;
        }
    }

    private List<MessageRow> Number(IReadOnlyList<QueuedSend> round)
    {
        var createdAt = ChatDatabase.StorablePrecision(time.GetUtcNow());
        return [.. round.Select((send, i) => new MessageRow(_lastSequence + 1 + i, send.FromUserId, send.Content, send.ClientMessageId, createdAt, send.Kind) { ReplyTo = send.ReplyTo })];
    }

    /// <summary>
    /// Nothing of the round was stored because a sequence or a clientMessageId was taken: sends already stored under
    /// their clientMessageId are answered with the stored message, the others go back to the front of the queue, to be
    /// numbered after the sequence storage really has.
    /// </summary>
    private async Task ResolveConflictAsync(List<QueuedSend> round)
    {
        try
        {
            await ReloadLastSequenceAsync();
            var keys = round.Where(send => send.ClientMessageId is not null).Select(send => (send.FromUserId, send.ClientMessageId!)).ToList();
            var stored = await _log!.FindByClientMessageIdsAsync(keys);
            var retry = new List<QueuedSend>();
            foreach (var send in round)
            {
                var original = stored.FirstOrDefault(message => message.FromUserId == send.FromUserId && message.ClientMessageId == send.ClientMessageId && send.ClientMessageId is not null);
                if (original is not null)
                {
                    Complete(send, original, wasDuplicate: true);
                }
                else if (++send.Conflicts >= MaxConflictsPerSend)
                {
                    Fail([send], new InvalidOperationException($"Conversation {_id} kept conflicting with stored messages."));
                }
                else
                {
                    retry.Add(send);
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
            _lastSequence = await _log!.LastSequenceAsync();
            _lastSequenceIsKnown = true;
        }
        catch (Exception exception)
        {
            // Without knowing the last sequence nothing may be numbered: fail what waits, at once (while the database
            // is down, callers answer 503 straight away), and read it again before the next round. The activation stays:
            // a new one could not activate while the database is down, and Orleans holds the calls to an activation that
            // failed for seconds before it rejects them.
            Fail(_queued, exception);
            _queued.Clear();
            _lastSequenceIsKnown = false;
        }
    }

    private void Complete(QueuedSend send, ChatMessage message, bool wasDuplicate)
    {
        Forget(send);
        if (send.ClientMessageId is { } clientMessageId)
        {
            _recentIds.Add(send.FromUserId, clientMessageId, message.Sequence);
        }

        send.Stored.TrySetResult(new StoredSend(message, wasDuplicate));
    }

    private void Fail(IEnumerable<QueuedSend> sends, Exception exception)
    {
        foreach (var send in sends)
        {
            Forget(send);
            send.Stored.TrySetException(exception);
        }
    }

    private void Forget(QueuedSend send)
    {
        if (send.ClientMessageId is { } clientMessageId && _unwritten.TryGetValue((send.FromUserId, clientMessageId), out var known) && known == send)
        {
            _unwritten.Remove((send.FromUserId, clientMessageId));
        }
    }

    /// <summary>
    /// A retry of a stored message. The first attempt may have stored it and then failed to reach a participant (its
    /// silo died), so they are told again; user grains push it again, and clients keep a message once by its id.
    /// </summary>
    private void AnnounceAgain(ChatMessage message) =>
        _outbox.QueueMessages(Readers(message).Append(message.FromUserId).Distinct(), [message]);

    private async Task<ChatResult> AdvanceMarksAsync(long userId, long upToSequence, ReceiptKind kind)
    {
        if ((RefuseUnlessParticipant(userId) ?? RefuseUntilFirstMessage()) is { } refusal)
        {
            return new ChatResult(refusal);
        }

        if (upToSequence < 1 || upToSequence > _lastSequence)
        {
            return ChatResult.Fail(ChatErrorCode.InvalidSequence, $"upToSequence must be 1 to {_lastSequence}, the last message of the conversation.");
        }

        var current = MarksOf(userId);
        var advanced = kind == ReceiptKind.Read
            ? new ParticipantMarks(Math.Max(current.DeliveredUpTo, upToSequence), Math.Max(current.ReadUpTo, upToSequence))
            : current with { DeliveredUpTo = Math.Max(current.DeliveredUpTo, upToSequence) };
        if (advanced == current)
        {
            return ChatResult.Ok;
        }

        // The chat-list copy first: if the grain state then fails, a retried mark finds it not advanced and writes both.
        var authorsSaw = _timeline is null ? null : AuthorWatermarks(kind);
        await _log!.AppendMarksAsync(userId, advanced);
        state.State.Marks[userId] = advanced;
        await WriteStateOrReloadAsync(state);

        var receipt = new Receipt(_id!.Value.ToString(), userId, kind, kind == ReceiptKind.Read ? advanced.ReadUpTo : advanced.DeliveredUpTo);
        if (authorsSaw is null)
        {
            _outbox.QueueReceipt(_id.Value.DirectParticipants, receipt);
            return ChatResult.Ok;
        }

        // In a group the reader's own devices learn their mark; each other member learns how far their own messages
        // have now been received or read by everyone, when that moved.
        _outbox.QueueReceipt([userId], receipt);
        var authorsSee = AuthorWatermarks(kind);
        foreach (var author in _timeline!.Members.Where(member => member != userId))
        {
            if (authorsSee.For(author) > authorsSaw.For(author))
            {
                _outbox.QueueReceipt([author], receipt with { UpToSequence = Math.Min(authorsSee.For(author), _lastSequence) });
            }
        }

        return ChatResult.Ok;
    }

    /// <summary>The participant's line as this conversation knows it. Moves the line forward only, like every other write of it.</summary>
    public async Task RewriteChatListLineAsync(long userId)
    {
        if (_id is null || _lastSequence == 0 || RefuseUnlessReader(userId) is not null)
        {
            return;
        }

        var newestSeen = Math.Min(_lastSequence, _timeline?.StayOf(userId)?.Until ?? long.MaxValue);
        await _log!.RewriteChatListLineAsync(userId, newestSeen, MarksOf(userId));
    }

    /// <summary>Who may send, mark and type: the two people of a direct conversation, or a group's current members.</summary>
    private ChatError? RefuseUnlessParticipant(long userId) => _id switch
    {
        null => new ChatError(ChatErrorCode.InvalidConversation, $"'{this.GetPrimaryKeyString()}' is not a conversation id."),
        { IsGroup: true } id when !_timeline!.IsMember(userId) => new ChatError(ChatErrorCode.NotParticipant, $"User {userId} is not a member of group {id.First}."),
        { IsGroup: false } id when !id.Includes(userId) => new ChatError(ChatErrorCode.NotParticipant, $"User {userId} is not a participant of conversation {id}."),
        _ => null,
    };

    /// <summary>Who may read: the participants, and whoever left a group (what came before they left).</summary>
    private ChatError? RefuseUnlessReader(long userId) =>
        _timeline?.StayOf(userId) is not null ? null : RefuseUnlessParticipant(userId);

    /// <summary>
    /// Typing and marks need a conversation, and a conversation starts with its first message: without one, anyone could
    /// push "typing" to any number. An activation made only to be refused (nothing stored, nothing being written) goes
    /// away when idle instead of waiting out the collection age.
    /// </summary>
    private ChatError? RefuseUntilFirstMessage()
    {
        if (_lastSequence > 0)
        {
            return null;
        }

        if (!_isWriting)
        {
            DeactivateOnIdle();
        }

        return new ChatError(ChatErrorCode.NoConversation, $"Conversation {_id} has no messages yet: it starts with its first message.");
    }

    private IReadOnlyList<long> Participants => _timeline?.Members ?? _id!.Value.DirectParticipants;

    /// <summary>Who a message is for: the peer, or the group's current members but its author who were in when it was sent.</summary>
    private IEnumerable<long> Readers(ChatMessage message) => _timeline is null
        ? [_id!.Value.PeerOf(message.FromUserId)]
        : _timeline.Members.Where(member => member != message.FromUserId && _timeline.StayOf(member)!.From <= message.Sequence);

    private ParticipantMarks MarksOf(long userId) => state.State.Marks.GetValueOrDefault(userId, ParticipantMarks.None);

    /// <summary>Ticks as the sender sees them: read or delivered once every reader's marks reach the message.</summary>
    private ChatMessage WithStatusForSender(ChatMessage message)
    {
        var readers = Readers(message).Select(MarksOf).ToList();
        var status = readers.Count == 0 ? MessageStatus.Sent
            : readers.All(marks => marks.ReadUpTo >= message.Sequence) ? MessageStatus.Read
            : readers.All(marks => marks.DeliveredUpTo >= message.Sequence) ? MessageStatus.Delivered
            : MessageStatus.Sent;
        return message with { Status = status };
    }

    /// <summary>A send (or a group change) waiting for its write; completes with the stored message once committed.</summary>
    private sealed class QueuedSend(long fromUserId, string content, string? clientMessageId, MessageKind kind)
    {
        public long FromUserId { get; } = fromUserId;

        public string Content { get; } = content;

        public string? ClientMessageId { get; } = clientMessageId;

        public MessageKind Kind { get; } = kind;

        public long? ReplyTo { get; init; }

        /// <summary>The send's trace, when it is being recorded: its commit and notifications become spans of it.</summary>
        public ActivityContext? Trace { get; } = ChatTracing.RecordedContext();

        public int Conflicts { get; set; }

        public TaskCompletionSource<StoredSend> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

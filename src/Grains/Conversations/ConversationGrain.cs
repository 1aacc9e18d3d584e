using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Owns one conversation's order and marks. Calls run one at a time (the grain is not reentrant), which is what makes
/// sequences gapless and deduplication exact without locks. A message is acknowledged only once its bucket has
/// stored it in Postgres.
/// </summary>
[GrainType(GrainTypes.Conversation)]
[ShardPlacement]
public sealed partial class ConversationGrain(
    [PersistentState("conversation", StorageNames.Chat)] IPersistentState<ConversationState> state,
    ShardMap shardMap,
    IOptions<ChatOptions> chatOptions,
    TimeProvider time,
    ILogger<ConversationGrain> logger) : ShardedGrain(shardMap), IConversationGrain
{
    private readonly ClientMessageIdIndex _sentIds = new(chatOptions.Value.ClientMessageIdRetention);
    private readonly Queue<ParticipantNotification> _undelivered = new();
    private ConversationId? _id;
    private long _lastSequence;
    private IGrainTimer? _retryTimer;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (!ConversationId.TryParse(this.GetPrimaryKeyString(), out var id))
        {
            return;
        }

        _id = id;
        _lastSequence = await RecoverLastSequenceAsync(id);
        await LoadRecentClientMessageIdsAsync(id);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Saves the next activation a walk over the buckets; losing this write costs nothing but that walk.
        if (state.State.ParticipantsVerified && state.State.SequenceCheckpoint < _lastSequence)
        {
            state.State.SequenceCheckpoint = _lastSequence;
            try
            {
                await state.WriteStateAsync(cancellationToken);
            }
            catch (Exception exception)
            {
                LogCheckpointFailed(exception, this.GetPrimaryKeyString());
            }
        }
    }

    public async Task<ChatResult<SendReceipt>> SendAsync(long fromUserId, string content, string? clientMessageId)
    {
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

        var conversation = _id!.Value;
        if (clientMessageId is not null && _sentIds.TryGetSequence(fromUserId, clientMessageId, out var sentSequence))
        {
            var original = ToChatMessage(conversation, (await ReadAsync(conversation, sentSequence, sentSequence))[0]);

            // The first attempt may have stored the message but failed to reach a participant: tell them again
            // (user grains ignore a message they already have).
            await NotifyAsync(NotificationsOf(conversation, original));
            return ChatResult.Success(new SendReceipt(WithStatusForSender(conversation, original), WasDuplicate: true));
        }

        if (!state.State.ParticipantsVerified && await RefuseUnregisteredParticipantsAsync(conversation, fromUserId) is { } unregistered)
        {
            return ChatResult.Fail<SendReceipt>(unregistered);
        }

        var stored = new StoredMessage(_lastSequence + 1, fromUserId, normalized.Value, clientMessageId, time.GetUtcNow());
        try
        {
            await MessageBuckets.Get(GrainFactory, conversation, MessageBuckets.IndexOf(stored.Sequence)).AppendAsync(stored);
        }
        catch
        {
            // The bucket may have stored it after all: start again from storage rather than guess the next sequence.
            DeactivateOnIdle();
            throw;
        }

        _lastSequence = stored.Sequence;
        if (clientMessageId is not null)
        {
            _sentIds.Add(fromUserId, clientMessageId, stored.Sequence, stored.CreatedAt);
            _sentIds.ForgetOlderThan(stored.CreatedAt - _sentIds.Retention);
        }

        var message = ToChatMessage(conversation, stored);
        await NotifyAsync(NotificationsOf(conversation, message));
        return ChatResult.Success(new SendReceipt(message, WasDuplicate: false));
    }

    public async Task<ChatResult<HistoryPage>> GetHistoryAsync(long userId, long? beforeSequence, int limit)
    {
        if (RefuseUnlessParticipant(userId) is { } refusal)
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

        var conversation = _id!.Value;
        var newest = Math.Min((beforeSequence ?? long.MaxValue) - 1, _lastSequence);
        var oldest = Math.Max(1, newest - limit + 1);
        IReadOnlyList<ChatMessage> messages = newest < 1
            ? []
            : [.. (await ReadAsync(conversation, oldest, newest)).Select(stored => WithStatusForSender(conversation, ToChatMessage(conversation, stored)))];
        return ChatResult.Success(new HistoryPage(conversation.ToString(), messages, HasMore: newest >= 1 && oldest > 1));
    }

    public Task<ChatResult> MarkDeliveredAsync(long userId, long upToSequence) =>
        AdvanceMarksAsync(userId, upToSequence, ReceiptKind.Delivered);

    public Task<ChatResult> MarkReadAsync(long userId, long upToSequence) =>
        AdvanceMarksAsync(userId, upToSequence, ReceiptKind.Read);

    public async Task<ChatResult> SetTypingAsync(long userId, bool isTyping)
    {
        if (RefuseUnlessParticipant(userId) is { } refusal)
        {
            return new ChatResult(refusal);
        }

        var typing = new TypingEvent(_id!.Value.ToString(), userId, isTyping);
        foreach (var participant in _id.Value.DirectParticipants.Where(participant => participant != userId))
        {
            await GrainFactory.GetGrain<IUserGrain>(participant).OnTypingAsync(typing);
        }

        return ChatResult.Ok;
    }

    private async Task<ChatResult> AdvanceMarksAsync(long userId, long upToSequence, ReceiptKind kind)
    {
        if (RefuseUnlessParticipant(userId) is { } refusal)
        {
            return new ChatResult(refusal);
        }

        if (upToSequence < 1 || upToSequence > _lastSequence)
        {
            return ChatResult.Fail(ChatErrorCode.InvalidSequence, $"upToSequence must be 1 to {_lastSequence}, the last message of the conversation.");
        }

        var current = state.State.Marks.GetValueOrDefault(userId, ParticipantMarks.None);
        var advanced = kind == ReceiptKind.Read
            ? new ParticipantMarks(Math.Max(current.DeliveredUpTo, upToSequence), Math.Max(current.ReadUpTo, upToSequence))
            : current with { DeliveredUpTo = Math.Max(current.DeliveredUpTo, upToSequence) };
        if (advanced == current)
        {
            return ChatResult.Ok;
        }

        state.State.Marks[userId] = advanced;
        state.State.SequenceCheckpoint = _lastSequence;
        await WriteStateOrReloadAsync(state);

        var conversation = _id!.Value;
        var receipt = new Receipt(conversation.ToString(), userId, kind, kind == ReceiptKind.Read ? advanced.ReadUpTo : advanced.DeliveredUpTo);
        await NotifyAsync(conversation.DirectParticipants.Select(participant => new ParticipantNotification(participant, null, receipt)));
        return ChatResult.Ok;
    }

    private ChatError? RefuseUnlessParticipant(long userId) => _id switch
    {
        null => new ChatError(ChatErrorCode.InvalidConversation, $"'{this.GetPrimaryKeyString()}' is not a conversation id."),
        { } id when !id.Includes(userId) => new ChatError(ChatErrorCode.NotParticipant, $"User {userId} is not a participant of conversation {id}."),
        _ => null,
    };

    private async Task<ChatError?> RefuseUnregisteredParticipantsAsync(ConversationId conversation, long senderId)
    {
        var recipientId = conversation.PeerOf(senderId);
        var profiles = await Task.WhenAll(
            GrainFactory.GetGrain<IUserGrain>(senderId).GetProfileAsync(),
            GrainFactory.GetGrain<IUserGrain>(recipientId).GetProfileAsync());
        if (profiles[0] is null)
        {
            return new ChatError(ChatErrorCode.UnknownUser, $"User {senderId} is not registered.");
        }

        if (profiles[1] is null)
        {
            return new ChatError(ChatErrorCode.UnknownRecipient, $"User {recipientId} is not registered.");
        }

        state.State.ParticipantsVerified = true;
        state.State.SequenceCheckpoint = _lastSequence;
        await WriteStateOrReloadAsync(state);
        return null;
    }

    /// <summary>Buckets fill in order, so the last sequence is in the first bucket at or after the checkpoint that is not full.</summary>
    private async Task<long> RecoverLastSequenceAsync(ConversationId conversation)
    {
        var bucketIndex = MessageBuckets.IndexOf(state.State.SequenceCheckpoint + 1);
        while (true)
        {
            var count = await MessageBuckets.Get(GrainFactory, conversation, bucketIndex).CountAsync();
            if (count < MessageBuckets.Size)
            {
                return MessageBuckets.FirstSequenceOf(bucketIndex) - 1 + count;
            }

            bucketIndex++;
        }
    }

    /// <summary>Replays the buckets of the retention window, newest bucket back to the first that is older than it.</summary>
    private async Task LoadRecentClientMessageIdsAsync(ConversationId conversation)
    {
        var cutoff = time.GetUtcNow() - _sentIds.Retention;
        var recentBuckets = new Stack<IReadOnlyList<StoredMessage>>();
        for (var bucketIndex = MessageBuckets.IndexOf(Math.Max(_lastSequence, 1)); bucketIndex >= 0; bucketIndex--)
        {
            var first = MessageBuckets.FirstSequenceOf(bucketIndex);
            var messages = await MessageBuckets.Get(GrainFactory, conversation, bucketIndex).ReadAsync(first, first + MessageBuckets.Size - 1);
            recentBuckets.Push(messages);
            if (messages.Count > 0 && messages[0].CreatedAt < cutoff)
            {
                break;
            }
        }

        foreach (var message in recentBuckets.SelectMany(bucket => bucket))
        {
            if (message.ClientMessageId is not null && message.CreatedAt >= cutoff)
            {
                _sentIds.Add(message.FromUserId, message.ClientMessageId, message.Sequence, message.CreatedAt);
            }
        }
    }

    private async Task<IReadOnlyList<StoredMessage>> ReadAsync(ConversationId conversation, long fromSequence, long toSequence)
    {
        var reads = new List<Task<IReadOnlyList<StoredMessage>>>();
        for (var bucketIndex = MessageBuckets.IndexOf(fromSequence); bucketIndex <= MessageBuckets.IndexOf(toSequence); bucketIndex++)
        {
            reads.Add(MessageBuckets.Get(GrainFactory, conversation, bucketIndex).ReadAsync(fromSequence, toSequence));
        }

        return [.. (await Task.WhenAll(reads)).SelectMany(messages => messages)];
    }

    private ChatMessage ToChatMessage(ConversationId conversation, StoredMessage stored) => new(
        Id: string.Create(CultureInfo.InvariantCulture, $"{conversation}:{stored.Sequence}"),
        ConversationId: conversation.ToString(),
        Sequence: stored.Sequence,
        FromUserId: stored.FromUserId,
        ToUserId: conversation.IsGroup ? null : conversation.PeerOf(stored.FromUserId),
        GroupId: conversation.IsGroup ? conversation.First : null,
        Content: stored.Content,
        ClientMessageId: stored.ClientMessageId,
        CreatedAt: stored.CreatedAt,
        Shard: Shards.Of(conversation.ShardKey, ShardMap.ShardCount),
        Status: MessageStatus.Sent);

    /// <summary>Ticks as the sender sees them: read or delivered once the recipient's marks reach the message.</summary>
    private ChatMessage WithStatusForSender(ConversationId conversation, ChatMessage message)
    {
        var recipientMarks = state.State.Marks.GetValueOrDefault(conversation.PeerOf(message.FromUserId), ParticipantMarks.None);
        var status = message.Sequence <= recipientMarks.ReadUpTo ? MessageStatus.Read
            : message.Sequence <= recipientMarks.DeliveredUpTo ? MessageStatus.Delivered
            : MessageStatus.Sent;
        return message with { Status = status };
    }

    private static IEnumerable<ParticipantNotification> NotificationsOf(ConversationId conversation, ChatMessage message) =>
        conversation.DirectParticipants.Select(participant => new ParticipantNotification(participant, message, null));

    /// <summary>
    /// Tells the participants' user grains (chat lists and devices). One that cannot be reached right now (its silo just
    /// died) is retried on a timer: the message is already durable, so the sender's acknowledgement does not wait for it.
    /// </summary>
    private async Task NotifyAsync(IEnumerable<ParticipantNotification> notifications)
    {
        var batch = notifications.ToList();
        var delivered = await Task.WhenAll(batch.Select(TryNotifyAsync));
        for (var i = 0; i < batch.Count; i++)
        {
            if (!delivered[i])
            {
                _undelivered.Enqueue(batch[i]);
            }
        }

        if (_undelivered.Count > 0 && _retryTimer is null)
        {
            var interval = chatOptions.Value.NotificationRetryInterval;
            _retryTimer = this.RegisterGrainTimer(RetryUndeliveredAsync, new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
        }
    }

    private async Task RetryUndeliveredAsync(CancellationToken cancellationToken)
    {
        while (_undelivered.TryPeek(out var next) && await TryNotifyAsync(next))
        {
            _undelivered.Dequeue();
        }

        if (_undelivered.Count == 0)
        {
            _retryTimer?.Dispose();
            _retryTimer = null;
        }
    }

    private async Task<bool> TryNotifyAsync(ParticipantNotification notification)
    {
        try
        {
            var user = GrainFactory.GetGrain<IUserGrain>(notification.UserId);
            await (notification.Message is { } message ? user.OnMessageAsync(message) : user.OnReceiptAsync(notification.Receipt!));
            return true;
        }
        catch (Exception exception)
        {
            LogNotificationFailed(exception, notification.UserId, this.GetPrimaryKeyString());
            return false;
        }
    }

    private sealed record ParticipantNotification(long UserId, ChatMessage? Message, Receipt? Receipt);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not reach user {UserId} for conversation {Conversation}; retrying")]
    private partial void LogNotificationFailed(Exception exception, long userId, string conversation);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Could not save the sequence checkpoint of conversation {Conversation}")]
    private partial void LogCheckpointFailed(Exception exception, string conversation);
}

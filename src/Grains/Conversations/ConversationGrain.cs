using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Media;
using WhatsApp.Grains.Operations;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Storage;
using WhatsApp.Grains.Users;
using WhatsApp.Telemetry;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Owns one conversation: who may take part, its participants' marks, and telling them what happens. Its
/// <see cref="MessageSequencer"/> numbers and commits the messages (one write in flight, gapless sequences, a send
/// acknowledged only once committed) through the conversation's part of the silo's <see cref="MessageLog"/>.
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
    IMediaStore mediaStore,
    IOptions<MediaOptions> mediaOptions,
    TimeProvider time,
    ILogger<ConversationGrain> logger) : ShardedGrain(shardMap), IConversationGrain, IChatListLineRepair, IConversationBlocks
{
    private ParticipantOutbox _outbox = null!;
    private ConversationLog? _log;
    private MessageSequencer? _sequencer;
    private IConversationAccess? _access;
    private GroupTimeline? _timeline;
    private GroupChatListLines? _groupLines;
    private GroupTyping? _groupTyping;
    private ConversationId? _id;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        _outbox = new ParticipantOutbox(this, GrainFactory, chatOptions.Value.NotificationRetryInterval, logger);
        if (ConversationId.TryParse(this.GetPrimaryKeyString(), out var id))
        {
            _id = id;
            _log = new ConversationLog(id, log, ShardMap.ShardCount);
            _sequencer = new MessageSequencer(_log, time, chatOptions.Value.RecentClientMessageIds, Announce);
            try
            {
                await _sequencer.LoadAsync();
                await LoadMarksAsync(_log);
                _access = id.IsGroup ? await StartGroupAsync(_log) : new DirectAccess(id);
            }
            catch (System.Data.Common.DbException exception) when (exception.IsTransient)
            {
                throw new StorageUnavailableException($"Conversation {id} could not read its last sequence: {exception.Message}");
            }
        }
    }

    public async Task<ChatResult<SendReceipt>> SendAsync(long fromUserId, string content, string? clientMessageId, long? replyTo = null, MediaAttachment? media = null)
    {
        var started = Stopwatch.GetTimestamp();
        if ((RefuseUnlessParticipant(fromUserId) ?? RefuseIfBlocked(fromUserId)) is { } refusal)
        {
            return ChatResult.Fail<SendReceipt>(refusal);
        }

        var normalized = media is null ? MessageLimits.NormalizeContent(content) : MessageLimits.NormalizeCaption(content);
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
        if (LastSequence == 0 && _timeline is null && await registeredUsers.UnregisteredAmongAsync([_id!.Value.PeerOf(fromUserId)]) is [var recipient])
        {
            return ChatResult.Fail<SendReceipt>(ChatErrorCode.UnknownRecipient, $"User {recipient} is not registered.");
        }

        if (replyTo is { } quoted && await RefuseReplyToAsync(fromUserId, quoted) is { } badQuote)
        {
            return ChatResult.Fail<SendReceipt>(badQuote);
        }

        var attached = media is null ? null : await AttachAsync(fromUserId, media);
        if (attached is { IsSuccess: false })
        {
            return ChatResult.Fail<SendReceipt>(attached.Error);
        }

        var stored = await StoreAsync(new MessageDraft(fromUserId, normalized.Value, clientMessageId, attached?.Value!.Kind ?? MessageKind.Text, replyTo, attached?.Value!.Media));
        await (media is null ? Task.CompletedTask : MarkClaimedAsync(media.UploadId));
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
            ?? await StoreAsync(new MessageDraft(change.ActorId, GroupChangeContent.Write(change), changeId, MessageKind.GroupChange));
        return ChatResult.Success(recorded.Message);
    }

    /// <summary>The message stored (or being stored) under this sender's clientMessageId, if there is one.</summary>
    private async Task<SendReceipt?> StoredBeforeAsync(long fromUserId, string? clientMessageId)
    {
        if (clientMessageId is null)
        {
            return null;
        }

        if (await _sequencer!.CommittedLatelyAsync(fromUserId, clientMessageId) is { } original)
        {
            AnnounceAgain(original);
            return new SendReceipt(WithStatusForSender(original), WasDuplicate: true);
        }

        return _sequencer.BeingWritten(fromUserId, clientMessageId) is { } inFlight
            ? new SendReceipt(WithStatusForSender((await inFlight).Message), WasDuplicate: true)
            : null;
    }

    private async Task<SendReceipt> StoreAsync(MessageDraft draft)
    {
        var stored = await _sequencer!.AppendAsync(draft);
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
        var stay = _access!.ReadableBy(userId)!;
        var newest = Math.Min(Math.Min((beforeSequence ?? long.MaxValue) - 1, LastSequence), stay.Until ?? long.MaxValue);
        var oldest = Math.Max(stay.From, newest - limit + 1);
        IReadOnlyList<ChatMessage> messages = newest < oldest
            ? []
            : [.. (await _log!.ReadAsync(oldest, newest)).Select(WithStatusForSender)];
        return ChatResult.Success(new HistoryPage(_id!.Value.ToString(), messages, HasMore: newest >= oldest && oldest > stay.From));
    }

    public async Task<ChatResult> SetTypingAsync(long userId, bool isTyping)
    {
        if ((RefuseUnlessParticipant(userId) ?? RefuseUntilFirstMessage()) is { } refusal)
        {
            return new ChatResult(refusal);
        }

        if (RefuseIfBlocked(userId) is null)
        {
            await (_groupTyping?.SetAsync(userId, isTyping) ?? TellTypingAsync(userId, isTyping));
        }

        return ChatResult.Ok;
    }

    private Task TellTypingAsync(long userId, bool isTyping)
    {
        var typing = new TypingEvent(_id!.Value.ToString(), userId, isTyping);
        return Task.WhenAll(_access!.Participants.Where(participant => participant != userId)
            .Select(participant => GrainFactory.GetGrain<IUserGrain>(participant).OnTypingAsync(typing)));
    }

    /// <summary>
    /// A retry of a stored message. The first attempt may have stored it and then failed to reach a participant (its
    /// silo died), so they are told again; user grains push it again, and clients keep a message once by its id.
    /// </summary>
    private void AnnounceAgain(ChatMessage message) =>
        _outbox.QueueMessages(AudienceOf(message), [message]);

    /// <summary>
    /// Who is told of a message or its change: its readers, and its author while they are still a participant (someone
    /// who left a group hears nothing more of it, not even of their own old messages).
    /// </summary>
    private IEnumerable<long> AudienceOf(ChatMessage message) =>
        _access!.RefuseWriter(message.FromUserId) is null ? _access.ReadersOf(message).Append(message.FromUserId).Distinct() : _access.ReadersOf(message);

    /// <summary>The participant's line as this conversation knows it. Moves the line forward only, like every other write of it.</summary>
    public async Task RewriteChatListLineAsync(long userId)
    {
        if (_id is null || LastSequence == 0 || RefuseUnlessReader(userId) is not null)
        {
            return;
        }

        var newestSeen = Math.Min(LastSequence, _access!.ReadableBy(userId)?.Until ?? long.MaxValue);
        await _log!.RewriteChatListLineAsync(userId, newestSeen, MarksOf(userId));
    }

    /// <summary>Who may send, mark and type: the two people of a direct conversation, or a group's current members.</summary>
    private ChatError? RefuseUnlessParticipant(long userId) => _access is null ? NotAConversation() : _access.RefuseWriter(userId);

    /// <summary>Who may read: the participants, and whoever left a group (what came before they left).</summary>
    private ChatError? RefuseUnlessReader(long userId) =>
        _access is null ? NotAConversation() : _access.ReadableBy(userId) is null ? _access.RefuseWriter(userId) : null;

    private ChatError NotAConversation() => new(ChatErrorCode.InvalidConversation, $"'{this.GetPrimaryKeyString()}' is not a conversation id.");

    /// <summary>
    /// Typing and marks need a conversation, and a conversation starts with its first message: without one, anyone could
    /// push "typing" to any number. An activation made only to be refused (nothing stored, nothing being written) goes
    /// away when idle instead of waiting out the collection age.
    /// </summary>
    private ChatError? RefuseUntilFirstMessage()
    {
        if (LastSequence > 0)
        {
            return null;
        }

        if (!_sequencer!.IsWriting)
        {
            DeactivateOnIdle();
        }

        return new ChatError(ChatErrorCode.NoConversation, $"Conversation {_id} has no messages yet: it starts with its first message.");
    }

    private long LastSequence => _sequencer?.LastSequence ?? 0;

    private ParticipantMarks MarksOf(long userId) => _marks.GetValueOrDefault(userId, ParticipantMarks.None);

    /// <summary>Ticks as the sender sees them: read or delivered once every reader's marks reach the message.</summary>
    private ChatMessage WithStatusForSender(ChatMessage message)
    {
        var readers = _access!.ReadersOf(message).Select(MarksOf).ToList();
        var status = readers.Count == 0 ? MessageStatus.Sent
            : readers.All(marks => marks.ReadUpTo >= message.Sequence) ? MessageStatus.Read
            : readers.All(marks => marks.DeliveredUpTo >= message.Sequence) ? MessageStatus.Delivered
            : MessageStatus.Sent;
        return message with { Status = status };
    }
}

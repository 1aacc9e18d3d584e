using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Storage;

/// <summary>A message as its row stores it (the conversation is the row's key); a group change holds the change as its content.</summary>
public sealed record MessageRow(long Sequence, long FromUserId, string Content, string? ClientMessageId, DateTimeOffset CreatedAt, MessageKind Kind = MessageKind.Text)
{
    /// <summary>The sequence of the message this one replies to.</summary>
    public long? ReplyTo { get; init; }

    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>One reaction per user, by user id.</summary>
    public IReadOnlyList<MessageReaction> Reactions { get; init; } = [];

    /// <summary>The medium of a photo, document or voice note (its content is the caption).</summary>
    public MessageMedia? Media { get; init; }
}

/// <summary>A participant's chat-list line after a write: the conversation's newest message and the user's own newest.</summary>
public sealed record ChatListUpdate(long UserId, MessageRow LastMessage, long LastOwnSequence);

/// <summary>A participant's delivered and read marks: a row of the conversation's, and a copy in their chat-list line for unread counts.</summary>
public sealed record MarkUpdate(long UserId, long DeliveredUpTo, long ReadUpTo);

/// <summary>
/// Everything one conversation writes: new messages (consecutive sequences), the chat-list lines they change, and
/// marks. A conversation has at most one write in flight. Messages go to the conversation's shard database, each
/// user's line and marks to the user's (<see cref="MessageLog"/> splits a write that spans two).
/// </summary>
public sealed record ConversationWrite(
    ConversationId Conversation,
    IReadOnlyList<MessageRow> Messages,
    IReadOnlyList<ChatListUpdate> ChatListUpdates,
    IReadOnlyList<MarkUpdate> Marks)
{
    /// <summary>The conversation's id as its rows store it.</summary>
    public string Key { get; } = Conversation.ToString();

    /// <summary>Users whose line in another database missed this write and must be rewritten from the conversation.</summary>
    public IReadOnlyList<long> StaleLineOwners { get; init; } = [];

    /// <summary>Marks as the conversation's own rows, in its database (<see cref="Marks"/> are their chat-list copies).</summary>
    public IReadOnlyList<MarkUpdate> ConversationMarks { get; init; } = [];

    public int RowCount => Messages.Count + ChatListUpdates.Count + Marks.Count + StaleLineOwners.Count + ConversationMarks.Count;

    /// <summary>A participant's marks: the conversation's row, and the copy in their chat-list line.</summary>
    public static ConversationWrite OfMarks(ConversationId conversation, MarkUpdate marks) => new(conversation, [], [], [marks]) { ConversationMarks = [marks] };
}

public enum WriteOutcome
{
    /// <summary>Committed: every row is durable.</summary>
    Committed,

    /// <summary>
    /// Nothing of this write was stored: a message's sequence or its sender's clientMessageId is taken already (a retry
    /// of a send whose first outcome was unknown, or another activation's write). The writer reloads and decides.
    /// </summary>
    Conflict,
}

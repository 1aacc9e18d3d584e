namespace WhatsApp.Grains.Storage;

/// <summary>A message as its row stores it (the conversation is the row's key).</summary>
public sealed record MessageRow(long Sequence, long FromUserId, string Content, string? ClientMessageId, DateTimeOffset CreatedAt);

/// <summary>A participant's chat-list line after a write: the conversation's newest message and the user's own newest.</summary>
public sealed record ChatListUpdate(long UserId, MessageRow LastMessage, long LastOwnSequence);

/// <summary>A participant's delivered and read marks, copied into their chat-list line for unread counts.</summary>
public sealed record MarkUpdate(long UserId, long DeliveredUpTo, long ReadUpTo);

/// <summary>
/// Everything one conversation writes in one transaction: new messages (consecutive sequences), the chat-list lines
/// they change, and marks. A conversation has at most one write in flight.
/// </summary>
public sealed record ConversationWrite(
    string ConversationId,
    IReadOnlyList<MessageRow> Messages,
    IReadOnlyList<ChatListUpdate> ChatListUpdates,
    IReadOnlyList<MarkUpdate> Marks)
{
    public int RowCount => Messages.Count + ChatListUpdates.Count + Marks.Count;

    public static ConversationWrite OfMarks(string conversationId, MarkUpdate marks) => new(conversationId, [], [], [marks]);
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

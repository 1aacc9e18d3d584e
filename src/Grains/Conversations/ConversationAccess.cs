using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Who may do what in a conversation: write (send, mark, type) and read which of its messages, and whom a message is
/// for. A direct conversation's two people (<see cref="DirectAccess"/>), or a group's members over time
/// (<see cref="GroupTimeline"/>): the grain asks the one it has and never which kind it is.
/// </summary>
internal interface IConversationAccess
{
    /// <summary>Who may write now: the two people, or the group's current members in the order they joined.</summary>
    IReadOnlyList<long> Participants { get; }

    /// <summary>Null when the user may write now, else why not.</summary>
    ChatError? RefuseWriter(long userId);

    /// <summary>The sequences the user may read, or null when they may read none.</summary>
    ReadableRange? ReadableBy(long userId);

    /// <summary>Who a message is for: the peer, or the current members but its author who were in when it was sent.</summary>
    IEnumerable<long> ReadersOf(ChatMessage message);
}

/// <summary>The sequences a user may read: from the first (or the change that added them) to the change that removed them (null: still in).</summary>
internal sealed record ReadableRange(long From, long? Until)
{
    public static readonly ReadableRange Everything = new(1, null);

    public bool Covers(long sequence) => sequence >= From && (Until is null || sequence <= Until);
}

/// <summary>A direct conversation: its two people write and read all of it, each message is for the other one.</summary>
internal sealed class DirectAccess(ConversationId conversation) : IConversationAccess
{
    public IReadOnlyList<long> Participants { get; } = conversation.DirectParticipants;

    public ChatError? RefuseWriter(long userId) => conversation.Includes(userId)
        ? null
        : new ChatError(ChatErrorCode.NotParticipant, $"User {userId} is not a participant of conversation {conversation}.");

    public ReadableRange? ReadableBy(long userId) => conversation.Includes(userId) ? ReadableRange.Everything : null;

    public IEnumerable<long> ReadersOf(ChatMessage message) => [conversation.PeerOf(message.FromUserId)];
}

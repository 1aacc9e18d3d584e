using Orleans.Concurrency;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Abstractions.Conversations;

/// <summary>
/// One conversation (key: <see cref="Ids.ConversationId"/> text). It gives each message its sequence (1, 2, 3, ...
/// with no gap), stores it, deduplicates by clientMessageId, and keeps each participant's delivered and read marks.
/// Every method takes the acting user, which the caller must have authenticated, and refuses non-participants. In a
/// group's conversation the participants are the group's members as its recorded changes say: a member reads from the
/// change that added them on, and someone removed keeps read-only what came before their removal.
/// </summary>
public interface IConversationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores a message from a participant and tells every participant; a repeated clientMessageId returns the first
    /// message. Sends interleave: those that arrive while a write is in flight go into the conversation's next write.
    /// The sender must be a registered user the caller has authenticated (the gateway passes the token's user); the
    /// recipient of a direct conversation's first message is checked here. With <paramref name="media"/> the message is
    /// a photo, document or voice note of the sender's finished upload into this conversation, and the content its caption.
    /// </summary>
    [AlwaysInterleave]
    Task<ChatResult<SendReceipt>> SendAsync(long fromUserId, string content, string? clientMessageId, long? replyTo = null, MediaAttachment? media = null);

    /// <summary>Whether the user may send into the conversation now (a participant whom nobody here blocked): before an upload starts.</summary>
    Task<ChatResult> CheckSenderAsync(long userId);

    /// <summary>The author replaces a message's text, within <see cref="MessageLimits.EditWindow"/> of sending it.</summary>
    Task<ChatResult<ChatMessage>> EditAsync(long userId, long sequence, string content);

    /// <summary>The author deletes a message for everyone: its content is gone from storage, its place in the sequence stays.</summary>
    Task<ChatResult<ChatMessage>> DeleteAsync(long userId, long sequence);

    /// <summary>Sets the user's one reaction to a message, or removes it (null).</summary>
    Task<ChatResult<ChatMessage>> ReactAsync(long userId, long sequence, string? emoji);

    /// <summary>Up to limit messages before a sequence (or the newest), oldest first, with the sender-side status.</summary>
    Task<ChatResult<HistoryPage>> GetHistoryAsync(long userId, long? beforeSequence, int limit);

    /// <summary>The user's devices have received every message up to the sequence.</summary>
    Task<ChatResult> MarkDeliveredAsync(long userId, long upToSequence);

    /// <summary>The user has read every message up to the sequence (implies delivered).</summary>
    Task<ChatResult> MarkReadAsync(long userId, long upToSequence);

    /// <summary>Tells the other participants that the user started or stopped typing.</summary>
    Task<ChatResult> SetTypingAsync(long userId, bool isTyping);

    /// <summary>Who has received and who has read one of the caller's own messages (WhatsApp's "message info").</summary>
    Task<ChatResult<MessageInfo>> GetMessageInfoAsync(long userId, long sequence);

    /// <summary>
    /// Records a change of this group in its history, in sequence with its messages; only the group's own grain calls
    /// this, once the change is durable in the group. The same <paramref name="changeId"/> again answers the first record.
    /// </summary>
    [AlwaysInterleave]
    Task<ChatResult<ChatMessage>> RecordGroupChangeAsync(GroupChange change, string changeId);
}

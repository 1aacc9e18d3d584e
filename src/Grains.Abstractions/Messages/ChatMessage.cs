using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Media;

namespace WhatsApp.Grains.Abstractions.Messages;

/// <summary>
/// What a message is: text someone wrote, a change of its group that the group recorded in the history, what is left
/// of a message its author deleted for everyone (its place in the sequence, not its content), or a medium with an
/// optional caption as its content.
/// </summary>
public enum MessageKind
{
    Text = 0,
    GroupChange = 1,
    Deleted = 2,
    Photo = 3,
    Document = 4,
    VoiceNote = 5,
}

public static class MessageKinds
{
    public static bool IsMedia(this MessageKind kind) => kind is MessageKind.Photo or MessageKind.Document or MessageKind.VoiceNote;

    /// <summary>What a participant wrote: a text or a medium (not a group change, not a deleted message's tombstone).</summary>
    public static bool IsAuthored(this MessageKind kind) => kind == MessageKind.Text || kind.IsMedia();
}

/// <summary>Where a message stands, as its sender sees it: WhatsApp's one grey tick, two grey ticks, two blue ticks.</summary>
public enum MessageStatus
{
    Sent = 0,
    Delivered = 1,
    Read = 2,
}

/// <summary>
/// A message as every client sees it (the contract's Message). A group change (<see cref="Kind"/>) has no content of
/// its own: <see cref="Change"/> says what changed, and clients word it with the names they know. A reply names the
/// message it quotes (<see cref="ReplyTo"/>) and carries that message as it stands now (<see cref="Quote"/>), so the
/// quote shows whatever page of the history it is on. A photo, document or voice note carries its
/// <see cref="Media"/> and its caption as <see cref="Content"/> (may be empty).
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ChatMessage")]
public sealed record ChatMessage(
    [property: Id(0)] string Id,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] long FromUserId,
    [property: Id(4)] long? ToUserId,
    [property: Id(5)] long? GroupId,
    [property: Id(6)] string Content,
    [property: Id(7)] string? ClientMessageId,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] int Shard,
    [property: Id(10)] MessageStatus Status,
    [property: Id(11)] MessageKind Kind = MessageKind.Text,
    [property: Id(12)] GroupChange? Change = null,
    [property: Id(13)] long? ReplyTo = null,
    [property: Id(14)] MessageQuote? Quote = null,
    [property: Id(15)] DateTimeOffset? EditedAt = null,
    [property: Id(16)] IReadOnlyList<MessageReaction>? Reactions = null,
    [property: Id(17)] MessageMedia? Media = null);

/// <summary>The message a reply quotes, as it stands: its author and the start of its text (empty once deleted).</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.MessageQuote")]
public sealed record MessageQuote(
    [property: Id(0)] long Sequence,
    [property: Id(1)] long FromUserId,
    [property: Id(2)] string Preview,
    [property: Id(3)] MessageKind Kind);

/// <summary>One participant's reaction to a message: one per participant, changed or removed by them.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.MessageReaction")]
public sealed record MessageReaction([property: Id(0)] long UserId, [property: Id(1)] string Emoji);

/// <summary>The answer to a send: the stored message, and whether it had been stored before under the same clientMessageId.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.SendReceipt")]
public sealed record SendReceipt([property: Id(0)] ChatMessage Message, [property: Id(1)] bool WasDuplicate);

/// <summary>One page of a conversation, oldest first; <see cref="HasMore"/> says whether older messages exist.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(2)] bool HasMore);

/// <summary>
/// Where one message stands with each participant who could receive it (everyone but its author who was a member when
/// it was sent and still is): who has read it, who has received it but not read it yet, and who has neither.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.MessageInfo")]
public sealed record MessageInfo(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] IReadOnlyList<long> ReadBy,
    [property: Id(3)] IReadOnlyList<long> DeliveredTo,
    [property: Id(4)] IReadOnlyList<long> Pending);

using WhatsApp.Grains.Abstractions.Groups;

namespace WhatsApp.Grains.Abstractions.Messages;

/// <summary>What a message is: text someone wrote, or a change of its group that the group recorded in the history.</summary>
public enum MessageKind
{
    Text = 0,
    GroupChange = 1,
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
/// its own: <see cref="Change"/> says what changed, and clients word it with the names they know.
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
    [property: Id(12)] GroupChange? Change = null);

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

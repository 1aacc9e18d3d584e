namespace WhatsApp.Grains.Abstractions.Messages;

/// <summary>Where a message stands, as its sender sees it: WhatsApp's one grey tick, two grey ticks, two blue ticks.</summary>
public enum MessageStatus
{
    Sent = 0,
    Delivered = 1,
    Read = 2,
}

/// <summary>A message as every client sees it (the contract's Message).</summary>
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
    [property: Id(10)] MessageStatus Status);

/// <summary>The answer to a send: the stored message, and whether it had been stored before under the same clientMessageId.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.SendReceipt")]
public sealed record SendReceipt([property: Id(0)] ChatMessage Message, [property: Id(1)] bool WasDuplicate);

/// <summary>One page of a conversation, oldest first; <see cref="HasMore"/> says whether older messages exist.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.HistoryPage")]
public sealed record HistoryPage(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] IReadOnlyList<ChatMessage> Messages,
    [property: Id(2)] bool HasMore);

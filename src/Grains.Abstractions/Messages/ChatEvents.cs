namespace WhatsApp.Grains.Abstractions.Messages;

public enum ReceiptKind
{
    Delivered = 1,
    Read = 2,
}

/// <summary>User <see cref="UserId"/> has received or read every message of the conversation up to a sequence.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.Receipt")]
public sealed record Receipt(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long UserId,
    [property: Id(2)] ReceiptKind Kind,
    [property: Id(3)] long UpToSequence);

[GenerateSerializer, Immutable, Alias("whatsapp.TypingEvent")]
public sealed record TypingEvent(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long UserId,
    [property: Id(2)] bool IsTyping);

[GenerateSerializer, Immutable, Alias("whatsapp.PresenceEvent")]
public sealed record PresenceEvent(
    [property: Id(0)] long UserId,
    [property: Id(1)] bool Online,
    [property: Id(2)] DateTimeOffset? LastSeen,
    [property: Id(3)] bool Hidden = false)
{
    /// <summary>The user stopped showing their presence to the receiver: whatever was shown of it goes.</summary>
    public static PresenceEvent HiddenFrom(long userId) => new(userId, Online: false, LastSeen: null, Hidden: true);
}

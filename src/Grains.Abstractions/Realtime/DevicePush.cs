using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Abstractions.Realtime;

/// <summary>
/// An event for the open devices of one user (<see cref="UserId"/>), as a silo hands it to a gateway holding some of
/// their connections. The gateway forwards it to that user's SignalR group, so every tab gets it.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.DevicePush")]
public abstract record DevicePush([property: Id(0)] long UserId);

/// <summary>New messages of one of the user's conversations (theirs too, for their other devices), in sequence order.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.NewMessagesPush")]
public sealed record NewMessagesPush(long UserId, [property: Id(0)] IReadOnlyList<ChatMessage> Messages) : DevicePush(UserId);

/// <summary>A message the user has was edited, deleted or reacted to: this is how it stands now.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ChangedMessagePush")]
public sealed record ChangedMessagePush(long UserId, [property: Id(0)] ChatMessage Message) : DevicePush(UserId);

/// <summary>Someone received or read messages in one of the user's conversations.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ReceiptPush")]
public sealed record ReceiptPush(long UserId, [property: Id(0)] Receipt Receipt) : DevicePush(UserId);

/// <summary>A participant of one of the user's conversations started or stopped typing.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.TypingPush")]
public sealed record TypingPush(long UserId, [property: Id(0)] TypingEvent Typing) : DevicePush(UserId);

/// <summary>A contact came online or went offline.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.PresencePush")]
public sealed record PresencePush(long UserId, [property: Id(0)] PresenceEvent Presence) : DevicePush(UserId);

/// <summary>A group invited the user: they join when they accept.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.GroupInvitationPush")]
public sealed record GroupInvitationPush(long UserId, [property: Id(0)] GroupInvitation Invitation) : DevicePush(UserId);

/// <summary>
/// The user signed out everywhere: tokens of an older version than <see cref="TokenVersion"/> stop working at once, and
/// connections opened with them close.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.SignedOutPush")]
public sealed record SignedOutPush(long UserId, [property: Id(0)] int TokenVersion) : DevicePush(UserId);

using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>
/// A gateway's listener for one user's events. The gateway creates one per connected user and re-subscribes
/// it periodically. Calls are answered, not one-way: the answer is how the user grain learns that a listener's gateway
/// is gone, so a dead gateway's listener costs one failed push (bounded by a timeout) and is dropped, instead of every
/// push failing silently until the listener expires.
/// </summary>
public interface IUserObserver : IGrainObserver
{
    /// <summary>A message in one of the user's conversations (theirs included, for their other devices).</summary>
    Task OnMessageAsync(ChatMessage message);

    /// <summary>A message the user has was edited, deleted or reacted to: this is how it stands now.</summary>
    Task OnMessageChangedAsync(ChatMessage message);

    /// <summary>Someone received or read messages in one of the user's conversations.</summary>
    Task OnReceiptAsync(Receipt receipt);

    /// <summary>A participant of one of the user's conversations started or stopped typing.</summary>
    Task OnTypingAsync(TypingEvent typing);

    /// <summary>A contact came online or went offline.</summary>
    Task OnPresenceAsync(PresenceEvent presence);
}

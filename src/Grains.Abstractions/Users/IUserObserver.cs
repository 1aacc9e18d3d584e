using Orleans.Concurrency;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>
/// A gateway's listener for one user's events. The gateway creates one per connected user and re-subscribes
/// it periodically. Calls are one-way so a slow gateway never holds up a grain; the user grain forgets listeners that stop renewing, so a dead gateway's fall away.
/// </summary>
public interface IUserObserver : IGrainObserver
{
    /// <summary>A message in one of the user's conversations (theirs included, for their other devices).</summary>
    [OneWay]
    Task OnMessageAsync(ChatMessage message);

    /// <summary>Someone received or read messages in one of the user's conversations.</summary>
    [OneWay]
    Task OnReceiptAsync(Receipt receipt);

    /// <summary>A participant of one of the user's conversations started or stopped typing.</summary>
    [OneWay]
    Task OnTypingAsync(TypingEvent typing);

    /// <summary>A contact came online or went offline.</summary>
    [OneWay]
    Task OnPresenceAsync(PresenceEvent presence);
}

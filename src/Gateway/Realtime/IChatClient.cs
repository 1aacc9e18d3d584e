using Microsoft.AspNetCore.SignalR;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// The server-to-client events of the contract, as the hub sends them: each method is one event, under its contract
/// name (the JavaScript client and the .NET one both match names without regard to case; the names stay the contract's).
/// </summary>
public interface IChatClient
{
    /// <summary>A new message of one of the user's conversations (theirs too, for their other devices).</summary>
    [HubMethodName("message")]
    Task Message(ChatMessage message);

    /// <summary>A message the client has, as it stands after an edit, a delete or a reaction: it replaces the one with its id.</summary>
    [HubMethodName("messageChanged")]
    Task MessageChanged(ChatMessage message);

    [HubMethodName("receipt")]
    Task Receipt(Receipt receipt);

    [HubMethodName("typing")]
    Task Typing(TypingEvent typing);

    [HubMethodName("presence")]
    Task Presence(PresenceEvent presence);

    /// <summary>A group invited the user: they join when they accept (REST: POST /api/groups/{groupId}/join).</summary>
    [HubMethodName("groupInvitation")]
    Task GroupInvitation(GroupInvitation invitation);

    /// <summary>No payload: a silo left the cluster and events may have been lost with it; fetch the chat list and the open chat again.</summary>
    [HubMethodName("resync")]
    Task Resync();
}

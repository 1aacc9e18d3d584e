namespace WhatsApp.Gateway.Realtime;

/// <summary>The names of the server-to-client events of the contract.</summary>
public static class HubEvents
{
    public const string Message = "message";

    /// <summary>A message the client has, as it stands after an edit, a delete or a reaction: it replaces the one with its id.</summary>
    public const string MessageChanged = "messageChanged";
    public const string Receipt = "receipt";
    public const string Typing = "typing";
    public const string Presence = "presence";

    /// <summary>A group invited the user: they join when they accept (REST: POST /api/groups/{groupId}/join).</summary>
    public const string GroupInvitation = "groupInvitation";

    /// <summary>No payload: a silo left the cluster and events may have been lost with it; fetch the chat list and the open chat again.</summary>
    public const string Resync = "resync";

    /// <summary>The SignalR group holding every connection (tab, device) of one user on this gateway.</summary>
    public static string UserGroup(long userId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"user:{userId}");
}

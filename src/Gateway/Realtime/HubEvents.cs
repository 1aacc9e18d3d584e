namespace WhatsApp.Gateway.Realtime;

/// <summary>Where the hub sends a user's events (the events themselves are <see cref="IChatClient"/>'s methods).</summary>
public static class HubEvents
{
    /// <summary>The SignalR group holding every connection (tab, device) of one user on this gateway.</summary>
    public static string UserGroup(long userId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"user:{userId}");
}

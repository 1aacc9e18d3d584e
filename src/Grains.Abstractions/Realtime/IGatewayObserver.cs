namespace WhatsApp.Grains.Abstractions.Realtime;

/// <summary>
/// A gateway's one way in for events: every user grain holding a connection of this gateway pushes through the same
/// observer, and each silo sends what it has for one gateway as one call (the notification plane is per gateway, not
/// per user). Calls are answered, not one-way: a failed or unanswered call is how a silo learns the gateway is gone.
/// </summary>
public interface IGatewayObserver : IGrainObserver
{
    /// <summary>Events for users with connections at this gateway, in the order each user's grain pushed them.</summary>
    Task OnPushesAsync(IReadOnlyList<DevicePush> pushes);
}

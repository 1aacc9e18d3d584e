namespace WhatsApp.Grains.Abstractions.Realtime;

/// <summary>
/// Every live gateway of the cluster (key 0): gateways renew here on the same timer as their users' subscriptions, and
/// what all of them must hear at once (a user signed out everywhere, which every gateway's token cache must learn, not
/// only those holding the user's connections) goes out through it.
/// </summary>
public interface IGatewayRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds or renews a gateway; one that stops renewing is forgotten after the observer expiry.</summary>
    Task RenewAsync(IGatewayObserver gateway);

    /// <summary>Removes a gateway that is stopping.</summary>
    Task RemoveAsync(IGatewayObserver gateway);

    /// <summary>Tells every gateway; returns once each has been handed the push (an unreachable one is skipped).</summary>
    Task BroadcastAsync(DevicePush push);
}

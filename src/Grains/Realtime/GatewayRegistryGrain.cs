using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Realtime;

namespace WhatsApp.Grains.Realtime;

/// <summary>
/// The live gateways, in memory only: gateways renew on their subscription timer, so after this grain moves or its silo
/// restarts the list is whole again within one renewal period. A broadcast in that window misses the gateways not yet
/// back; for a sign-out, their token caches' short expiry is the backstop.
/// </summary>
public sealed class GatewayRegistryGrain(GatewayOutboxes outboxes, IOptions<ChatOptions> options, TimeProvider time) : Grain, IGatewayRegistryGrain
{
    private readonly GatewayListeners _gateways = new(options.Value.ObserverExpiry, time);

    public Task RenewAsync(IGatewayObserver gateway)
    {
        _gateways.Renew(gateway);
        outboxes.Renewed(gateway);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(IGatewayObserver gateway)
    {
        _gateways.Remove(gateway);
        return Task.CompletedTask;
    }

    public Task BroadcastAsync(DevicePush push)
    {
        _gateways.RemoveExpired();
        foreach (var gateway in _gateways.All)
        {
            outboxes.TryPost(gateway, push);
        }

        return Task.CompletedTask;
    }
}

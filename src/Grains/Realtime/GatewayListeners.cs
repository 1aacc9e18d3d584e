using WhatsApp.Grains.Abstractions.Realtime;

namespace WhatsApp.Grains.Realtime;

/// <summary>
/// Gateways, each with the time it last renewed: those holding one user's connected devices, or every gateway of the
/// cluster. A gateway that stops renewing (it died) expires; a user grain drops one whose push failed sooner, at its
/// next push.
/// </summary>
internal sealed class GatewayListeners(TimeSpan expiry, TimeProvider time)
{
    private readonly Dictionary<IGatewayObserver, DateTimeOffset> _renewedAt = [];

    public int Count => _renewedAt.Count;

    public IReadOnlyCollection<IGatewayObserver> All => _renewedAt.Keys;

    public void Renew(IGatewayObserver gateway) => _renewedAt[gateway] = time.GetUtcNow();

    public bool Remove(IGatewayObserver gateway) => _renewedAt.Remove(gateway);

    /// <summary>Forgets gateways that have not renewed within the expiry.</summary>
    public void RemoveExpired()
    {
        var cutoff = time.GetUtcNow() - expiry;
        foreach (var gateway in _renewedAt.Where(pair => pair.Value < cutoff).Select(pair => pair.Key).ToList())
        {
            _renewedAt.Remove(gateway);
        }
    }
}

using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Gateway.Cluster;

/// <summary>
/// The gateways a shard's own client may use: only the active silo that owns the shard (its name in the membership
/// table says which), so every call made through that client lands on the silo that hosts its grain, with no silo
/// forwarding it. Empty while that silo is down: the gateway then sends through its main client.
/// </summary>
internal sealed class ShardGatewayListProvider(IMembershipTable membership, int shard, IOptions<GatewayOptions> options) : IGatewayListProvider
{
    public TimeSpan MaxStaleness => options.Value.GatewayListRefreshPeriod;

    [Obsolete("Orleans no longer reads it: every provider is updatable.")]
    public bool IsUpdatable => true;

    public Task InitializeGatewayListProvider() => membership.InitializeMembershipTableAsync(tryInitTableVersion: false, CancellationToken.None);

    public async Task<IList<Uri>> GetGateways()
    {
        var table = await membership.ReadAllAsync(CancellationToken.None);
        return [.. table.Members
            .Select(member => member.Item1)
            .Where(entry => entry.Status == SiloStatus.Active && entry.ProxyPort != 0
                && Shards.TryParseSiloName(entry.SiloName, out var owned) && owned == shard)
            .OrderByDescending(entry => entry.SiloAddress.Generation)
            .Take(1)
            .Select(entry => SiloAddress.New(entry.SiloAddress.Endpoint.Address, entry.ProxyPort, entry.SiloAddress.Generation).ToGatewayUri())];
    }
}

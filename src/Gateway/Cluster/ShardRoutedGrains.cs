using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Gateway.Cluster;

/// <summary>
/// Grain references for the gateway's calls, each made through the client connected to the silo that owns the key's
/// shard while that silo is up (so no other silo deserialises and forwards the call and its answer), otherwise through
/// the main client, which reaches every silo.
/// </summary>
public sealed class ShardRoutedGrains(IClusterClient main, ShardClients shardClients, IOptions<ShardOptions> shards)
{
    public TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey => Through(key).GetGrain<TGrain>(key);

    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey =>
        (Shards.TryGetShardKey(null, key, out var shardKey) ? Through(shardKey) : main).GetGrain<TGrain>(key);

    private IGrainFactory Through(long shardKey) =>
        shardKey >= 0 ? shardClients.ConnectedTo(Shards.Of(shardKey, shards.Value.Count)) ?? main : main;
}

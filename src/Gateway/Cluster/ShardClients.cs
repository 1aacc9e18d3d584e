using Microsoft.Extensions.Options;
using Orleans.Messaging;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Gateway.Cluster;

/// <summary>
/// One Orleans client per shard, beside the gateway's main client, each connected only to the silo that owns its shard
/// (<see cref="ShardGatewayListProvider"/>). Orleans' client sends a grain's calls through whichever silo it picked for
/// the grain, two times in three not the one hosting it, which then forwards the call and the answer; a shard's own
/// client makes that hop unnecessary. A client counts as connected while its connection to the silo is open; while it
/// is not, calls go through the main client, and the client is probed until its silo answers again.
/// </summary>
public sealed partial class ShardClients(
    ChatClusterAddress cluster,
    IOptions<ShardOptions> shards,
    IOptions<ClusterCallOptions> options,
    ILoggerFactory loggers,
    ILogger<ShardClients> logger) : BackgroundService
{
    // One per shard, set once they exist and emptied when they stop; callers on any thread read it.
    private volatile ShardClient[] _clients = [];

    /// <summary>The client connected to the silo owning the shard, or null (none, or not connected now).</summary>
    public IGrainFactory? ConnectedTo(int shard)
    {
        var clients = _clients;
        return shard < clients.Length && clients[shard].IsConnected ? clients[shard].Client : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ShardClients)
        {
            return;
        }

        var clients = Enumerable.Range(0, shards.Value.Count).Select(shard => new ShardClient(Build(shard))).ToArray();
        _clients = clients;
        // Each waits for its silo on its own (its connection retry filter keeps trying): a shard that is down when the
        // gateway starts holds up neither the gateway nor the other shards.
        foreach (var client in clients)
        {
            _ = client.StartAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(options.Value.SiloWatchInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            for (var shard = 0; shard < clients.Length; shard++)
            {
                if (clients[shard] is { IsStarted: true, IsConnected: false } disconnected)
                {
                    await ProbeAsync(shard, disconnected);
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var clients = _clients;
        _clients = [];
        foreach (var client in clients)
        {
            try
            {
                await client.Host.StopAsync(cancellationToken);
            }
            catch (Exception exception)
            {
                LogStopFailed(exception);
            }

            client.Host.Dispose();
        }
    }

    private IHost Build(int shard)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(options);
        builder.UseOrleansClient(client =>
        {
            client.UseChatCluster(cluster);
            client.Services.AddSingleton<IGatewayListProvider>(services => ActivatorUtilities.CreateInstance<ShardGatewayListProvider>(services, shard));
            client.Services.AddSingleton<ConnectionCount>();
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(services => services.GetRequiredService<ConnectionCount>());
        });
        return builder.Build();
    }

    /// <summary>
    /// A call through a client that lost its silo: it opens a connection as soon as the silo is back in the membership
    /// table (nothing else would, since no call goes through the client meanwhile).
    /// </summary>
    private async Task ProbeAsync(int shard, ShardClient client)
    {
        try
        {
            await client.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(options.Value.ClusterAttemptTimeout);
            LogReconnected(shard);
        }
        catch (Exception exception)
        {
            // Its silo is still away; the main client carries the shard's calls meanwhile.
            var error = exception.GetType().Name;
            LogProbeFailed(shard, error);
        }
    }

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Shard {Shard}'s client reached its silo again: its calls go straight there")]
    private partial void LogReconnected(int shard);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "Shard {Shard}'s silo is not reachable yet ({Error}); its calls go through the main client")]
    private partial void LogProbeFailed(int shard, string error);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "A shard's client did not stop cleanly")]
    private partial void LogStopFailed(Exception exception);

    private sealed class ShardClient(IHost host)
    {
        private readonly ConnectionCount _connections = host.Services.GetRequiredService<ConnectionCount>();
        private volatile bool _isStarted;

        public IHost Host { get; } = host;

        public IClusterClient Client { get; } = host.Services.GetRequiredService<IClusterClient>();

        /// <summary>Whether the client has finished connecting once: before that it takes no calls, whatever it has opened.</summary>
        public bool IsStarted => _isStarted;

        public bool IsConnected => _isStarted && _connections.Gateways > 0;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await Host.StartAsync(cancellationToken);
            _isStarted = true;
        }
    }

    /// <summary>How many silos a client is connected to, as Orleans reports it (for a shard's client, zero or one).</summary>
    private sealed class ConnectionCount : IClusterConnectionStatusObserver
    {
        private int _gateways;

        public int Gateways => Volatile.Read(ref _gateways);

        public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered) =>
            Volatile.Write(ref _gateways, currentNumberOfGateways);

        public void NotifyClusterConnectionLost() => Volatile.Write(ref _gateways, 0);
    }
}

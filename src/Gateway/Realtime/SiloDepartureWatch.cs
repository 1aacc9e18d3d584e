using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Cluster;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// Tells every connection of this gateway to catch up when a silo leaves the cluster. A conversation pushes a message
/// only after committing it, from memory: if its silo dies between the two, the message is stored (history, chat
/// lists) but nobody pushes it, and the recipient would not see it until the next one. The cluster's membership says
/// when a silo has gone; by then its grains can start elsewhere, so the clients' catch-up reads reach them.
/// </summary>
public sealed partial class SiloDepartureWatch(
    IClusterClient cluster,
    IHubContext<ChatHub, IChatClient> hub,
    IOptions<ClusterCallOptions> options,
    ILogger<SiloDepartureWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HashSet<SiloAddress>? known = null;
        using var timer = new PeriodicTimer(options.Value.SiloWatchInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            HashSet<SiloAddress> active;
            try
            {
                active = [.. (await ActiveSilosAsync().WaitAsync(options.Value.ClusterCallTimeout, stoppingToken)).Keys];
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The cluster or its membership store is unreachable for the moment (a whole-cluster restart, Redis
                // frozen: the management grain's read of the membership table then times out as a cancellation).
                // Compare at the next tick; a loop that ended here would stop the gateway.
                LogMembershipUnreadable(exception);
                continue;
            }

            List<SiloAddress> departed = known is null ? [] : [.. known.Except(active)];
            known = active;
            if (departed.Count > 0)
            {
                LogSilosLeft(departed.Count, active.Count);
                await hub.Clients.All.Resync();
            }
        }
    }

    private Task<Dictionary<SiloAddress, SiloStatus>> ActiveSilosAsync() => cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Debug, Message = "Could not read the cluster's active silos; trying again at the next tick")]
    private partial void LogMembershipUnreadable(Exception exception);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Information, Message = "{Departed} silos left the cluster ({Active} active): every connection is told to catch up")]
    private partial void LogSilosLeft(int departed, int active);
}

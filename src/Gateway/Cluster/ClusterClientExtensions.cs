using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;
using WhatsApp.Grains.Abstractions.Cluster;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Cluster;

public static partial class ClusterClientExtensions
{
    /// <summary>
    /// Connects to the silos found in Redis (ConnectionStrings:Redis), retrying until they are there, and keeps finding
    /// them as they come and go, so the gateway survives a cluster restart by itself.
    /// </summary>
    public static IHostApplicationBuilder AddChatClusterClient(this IHostApplicationBuilder builder)
    {
        var cluster = new ChatClusterAddress(
            builder.Configuration[ClusterDefaults.RedisKey] ?? ClusterDefaults.Redis,
            builder.Configuration[ClusterDefaults.ClusterIdKey] ?? ClusterDefaults.ClusterId,
            builder.Configuration[ClusterDefaults.ServiceIdKey] ?? ClusterDefaults.ServiceId);
        builder.Services.AddValidatedOptions<ShardOptions, ShardOptionsValidator>(ShardOptions.SectionName);
        builder.Services.AddValidatedOptions<ClusterCallOptions, ClusterCallOptionsValidator>(ClusterCallOptions.SectionName);
        builder.Services.AddClusterCallPipeline();
        builder.Services.AddSingleton(cluster);
        builder.Services.AddSingleton<ChatCluster>();
        builder.Services.AddSingleton<ShardRoutedGrains>();
        builder.Services.AddSingleton<ShardClients>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ShardClients>());
        builder.UseOrleansClient(client =>
        {
            client.UseChatCluster(cluster);
            client.AddDashboard();
        });
        return builder;
    }

    /// <summary>
    /// What every Orleans client of the gateway shares: the cluster (through Redis), the timeouts of the gateway's
    /// settings, waiting for the cluster at start, and trace context on every call.
    /// </summary>
    internal static IClientBuilder UseChatCluster(this IClientBuilder client, ChatClusterAddress cluster)
    {
        client.UseRedisClustering(options =>
        {
            options.ConfigurationOptions = ConfigurationOptions.Parse(cluster.Redis);
            options.ConfigurationOptions.AbortOnConnectFail = false;
        });
        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        client.Services.AddOptions<ClientMessagingOptions>().Configure<IOptions<ClusterCallOptions>>(
            (messaging, calls) => messaging.ResponseTimeout = calls.Value.ClusterCallTimeout);
        client.Services.AddOptions<GatewayOptions>().Configure<IOptions<ClusterCallOptions>>(
            (silos, calls) => silos.GatewayListRefreshPeriod = calls.Value.SiloListRefreshInterval);
        client.UseConnectionRetryFilter<WaitForClusterRetryFilter>();
        // W3C trace context on the calls to the silos (and on their calls back to this gateway's observers).
        client.AddActivityPropagation();
        return client;
    }

    /// <summary>The gateway waits for the cluster at start instead of failing: silos may still be starting.</summary>
    private sealed partial class WaitForClusterRetryFilter(ILogger<WaitForClusterRetryFilter> logger) : IClientConnectionRetryFilter
    {
        private int _attempt;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            LogWaiting(++_attempt, exception.Message);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(_attempt, 3)), cancellationToken);
            return true;
        }

        [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Waiting for the cluster (attempt {Attempt}): {Reason}")]
        private partial void LogWaiting(int attempt, string reason);
    }
}

/// <summary>Where the cluster is: its membership store and its ids.</summary>
public sealed record ChatClusterAddress(string Redis, string ClusterId, string ServiceId);

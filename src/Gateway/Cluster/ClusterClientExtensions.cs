using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;
using WhatsApp.Gateway.Hosting;
using WhatsApp.Grains.Abstractions.Cluster;
using WhatsApp.Grains.Abstractions.Ids;

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
        var observerExpiry = builder.Configuration.GetValue(ClusterDefaults.ObserverExpiryKey, ClusterDefaults.ObserverExpiry);

        builder.Services.AddOptions<ShardOptions>().BindConfiguration(ShardOptions.SectionName)
            .Validate(shards => shards.Count >= 1, "Shard:Count must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddOptions<GatewayApiOptions>().BindConfiguration(GatewayApiOptions.SectionName)
            .Validate(
                gateway => gateway.ObserverUnsubscribeTimeout > TimeSpan.Zero && gateway.ObserverUnsubscribeTimeout <= TimeSpan.FromSeconds(25),
                "Gateway:ObserverUnsubscribeTimeout must be more than 0 and at most 25 seconds (the host stops within 30).")
            .Validate(gateway => gateway.SiloWatchInterval > TimeSpan.Zero, "Gateway:SiloWatchInterval must be more than 0.")
            .Validate(
                gateway => gateway.ObserverRenewInterval > TimeSpan.Zero && gateway.ObserverRenewInterval * 3 <= observerExpiry,
                $"Gateway:ObserverRenewInterval must be more than 0 and at most a third of {ClusterDefaults.ObserverExpiryKey} ({observerExpiry}), " +
                "so a listener is renewed twice before a silo forgets it even when one renewal fails.")
            .Validate(
                gateway => gateway.TokenVersionCacheDuration > TimeSpan.Zero && gateway.TokenVersionCacheDuration <= TimeSpan.FromSeconds(30),
                "Gateway:TokenVersionCacheDuration must be more than 0 and at most 30 seconds (how long a signed-out token may outlive a lost sign-out push).")
            .Validate(gateway => gateway.ObserverRenewConcurrency >= 1, "Gateway:ObserverRenewConcurrency must be at least 1.")
            .Validate(gateway => gateway.ShardHealthMaxAge > TimeSpan.Zero, "Gateway:ShardHealthMaxAge must be more than 0.")
            .Validate(gateway => gateway.SearchShardTimeout > TimeSpan.Zero, "Gateway:SearchShardTimeout must be more than 0.")
            .Validate(gateway => gateway.SendsPerSecond >= 1 && gateway.SendBurst >= 1, "Gateway:SendsPerSecond and Gateway:SendBurst must be at least 1.")
            .Validate(gateway => gateway.SiloListRefreshInterval > TimeSpan.Zero, "Gateway:SiloListRefreshInterval must be more than zero.")
            .Validate(
                gateway => gateway.ClusterAttemptTimeout > TimeSpan.Zero && gateway.ClusterAttemptTimeout <= gateway.ClusterCallTimeout,
                "Gateway:ClusterAttemptTimeout must be more than zero and at most Gateway:ClusterCallTimeout.")
            .ValidateOnStart();
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
        client.Services.AddOptions<ClientMessagingOptions>().Configure<IOptions<GatewayApiOptions>>(
            (messaging, gateway) => messaging.ResponseTimeout = gateway.Value.ClusterCallTimeout);
        client.Services.AddOptions<GatewayOptions>().Configure<IOptions<GatewayApiOptions>>(
            (silos, gateway) => silos.GatewayListRefreshPeriod = gateway.Value.SiloListRefreshInterval);
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

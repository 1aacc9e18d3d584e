using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;
using WhatsApp.Grains.Hosting;
using WhatsApp.Silo.Persistence;

namespace WhatsApp.Silo.Hosting;

public static class SiloHostingExtensions
{
    /// <summary>
    /// One silo of the chat cluster: it finds the others through Redis, owns the shard in Shard:Index, stores grain
    /// state in PostgreSQL and feeds the Orleans dashboard.
    /// </summary>
    public static IHostApplicationBuilder AddChatSilo(this IHostApplicationBuilder builder, SiloSettings settings)
    {
        // Leaving the cluster cleanly (so others stop routing here at once) takes a few seconds.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.UseOrleans(silo =>
        {
            silo.UseRedisClustering(options =>
            {
                options.ConfigurationOptions = ConfigurationOptions.Parse(settings.RedisConfiguration);
                options.ConfigurationOptions.AbortOnConnectFail = false;
            });
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.Orleans.ClusterId;
                options.ServiceId = settings.Orleans.ServiceId;
            });
            ConfigureEndpoints(silo, settings);
            silo.Configure<ClusterMembershipOptions>(options => MembershipSettings.Apply(builder.Configuration, options));
            silo.Configure<GrainDirectoryOptions>(options => options.CacheSize = settings.Orleans.DirectoryCacheSize);
            silo.AddChatGrains(settings.Shard);
            silo.AddChatPersistence(settings.ShardDatabases);
            silo.AddDashboard();
        });
        return builder;
    }

    private static void ConfigureEndpoints(ISiloBuilder silo, SiloSettings settings)
    {
        if (IPAddress.TryParse(settings.Orleans.AdvertisedHost, out var address))
        {
            // On loopback, listen on loopback only; an advertised real address means other machines must reach us.
            silo.ConfigureEndpoints(address, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
        }
        else
        {
            silo.ConfigureEndpoints(settings.Orleans.AdvertisedHost, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        }
    }
}

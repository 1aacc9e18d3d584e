using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Hosting;
using WhatsApp.Grains.Storage;
using WhatsApp.Silo.Hosting;
using WhatsApp.Silo.Persistence;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>
/// Three in-process silos, silo N owning shard N, storing to a real PostgreSQL. Kill and restart take well under a
/// second, which is what makes failover tests affordable.
/// </summary>
public sealed class ChatTestCluster : IAsyncDisposable
{
    public const int ShardCount = 3;

    private static readonly IConfiguration EmptyConfiguration = new ConfigurationBuilder().Build();

    // InProcessTestCluster.StartSiloAsync does not add the silos it starts to Silos.
    private readonly List<InProcessSiloHandle> _replacements = [];

    private ChatTestCluster(InProcessTestCluster cluster, CapturedLogs logs)
    {
        Cluster = cluster;
        Logs = logs;
    }

    /// <summary>Recent log lines of every silo of this cluster.</summary>
    public CapturedLogs Logs { get; }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public IGrainFactory Grains => Cluster.Client;

    public string ServiceId => Cluster.Options.ServiceId;

    /// <param name="postgresConnectionString">The database every shard stores to.</param>
    /// <param name="serviceId">Reuse one to start a new cluster over an earlier cluster's data.</param>
    /// <param name="configureSilo">Extra silo configuration, applied after the product's.</param>
    public static Task<ChatTestCluster> StartAsync(string postgresConnectionString, string? serviceId = null, Action<ISiloBuilder>? configureSilo = null) =>
        StartAsync(new ShardConnectionStrings([.. Enumerable.Repeat(postgresConnectionString, ShardCount)]), serviceId, configureSilo);

    /// <param name="shardDatabases">Each shard's database, by shard index.</param>
    /// <param name="serviceId">Reuse one to start a new cluster over an earlier cluster's data.</param>
    /// <param name="configureSilo">Extra silo configuration, applied after the product's.</param>
    public static async Task<ChatTestCluster> StartAsync(ShardConnectionStrings shardDatabases, string? serviceId = null, Action<ISiloBuilder>? configureSilo = null)
    {
        var logs = new CapturedLogs();
        var builder = new InProcessTestClusterBuilder(ShardCount);
        builder.Options.ServiceId = serviceId ?? "test-" + Guid.NewGuid().ToString("N")[..12];
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddChatGrains(new ShardOptions
            {
                Count = ShardCount,
                Index = ShardOfSiloName(options.SiloName),
                ReturnHomeInterval = TimeSpan.FromMilliseconds(250),
            });
            silo.AddChatPersistence(shardDatabases);

            // The product's membership timing (a killed silo declared dead in about 3 s), not the Orleans defaults.
            silo.Configure<ClusterMembershipOptions>(membership => MembershipSettings.Apply(EmptyConfiguration, membership));
            silo.Services.AddLogging(logging => logging.AddProvider(logs));
            silo.Services.Configure<Grains.ChatOptions>(chat => chat.NotificationRetryInterval = TimeSpan.FromMilliseconds(200));
            configureSilo?.Invoke(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new ChatTestCluster(cluster, logs);
    }

    /// <summary>The TestingHost names silos "Silo_0", "Silo_1", ...; a restarted instance keeps its name, so its shard.</summary>
    public static int ShardOfSiloName(string siloName) =>
        int.Parse(siloName.AsSpan(siloName.LastIndexOf('_') + 1), CultureInfo.InvariantCulture) % ShardCount;

    private IEnumerable<InProcessSiloHandle> RunningSilos => Cluster.Silos.Concat(_replacements);

    public InProcessSiloHandle SiloOfShard(int shard) =>
        RunningSilos.Single(silo => ShardOfSiloName(silo.Name) == shard);

    /// <summary>Starts a new silo for a shard whose silo was killed (same instance number, so the same shard).</summary>
    public async Task<InProcessSiloHandle> StartReplacementAsync(int shard)
    {
        var handle = await Cluster.StartSiloAsync(shard, Cluster.Options);
        _replacements.Add(handle);
        return handle;
    }

    /// <summary>
    /// The shard of the silo where a grain is active now, or null if it is not active anywhere. It asks every silo's
    /// catalog: the grain locator's answer may come from a cache that a migration has not reached yet.
    /// </summary>
    public async Task<int?> ShardHostingAsync(IAddressable grain)
    {
        var grainId = grain.GetGrainId();
        var activations = await Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var address = activations.FirstOrDefault(activation => activation.GrainId.Equals(grainId))?.SiloAddress;
        var silo = address is null ? null : RunningSilos.FirstOrDefault(handle => handle.SiloAddress.Equals(address));
        return silo is null ? null : ShardOfSiloName(silo.Name);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replacement in _replacements)
        {
            await replacement.DisposeAsync();
        }

        await Cluster.DisposeAsync();
    }
}

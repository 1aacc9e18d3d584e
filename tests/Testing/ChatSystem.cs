using System.Globalization;
using System.Security.Cryptography;

namespace WhatsApp.Testing;

/// <summary>
/// The whole product on loopback: throwaway PostgreSQL (one for every shard, or one per shard) and Redis, three silo
/// processes (one per shard) and gateway processes, each configured only by the environment variables of the README.
/// </summary>
public sealed class ChatSystem : IAsyncDisposable
{
    public const int ShardCount = 3;
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(120);

    private readonly List<HostProcess> _silos = [];
    private readonly List<HostProcess> _gateways = [];
    private readonly List<Uri> _gatewayUrls = [];
    private readonly List<IReadOnlyDictionary<string, string>> _gatewayOwnSettings = [];
    private readonly List<Uri> _dashboardUrls = [];

    // A shard's silo always uses the same ports, as in production: a restarted silo then recognises its previous
    // incarnation at the same address and declares it dead, instead of waiting to reach it.
    private readonly Dictionary<int, SiloPorts> _siloPorts = [];
    private readonly IReadOnlyDictionary<string, string> _gatewaySettings;
    private readonly bool _traceSends;
    private readonly string _environmentName;

    private ChatSystem(IReadOnlyList<PostgresServer> databases, RedisServer redis, IReadOnlyDictionary<string, string> gatewaySettings, bool traceSends, string environmentName)
    {
        Databases = databases;
        Redis = redis;
        _gatewaySettings = gatewaySettings;
        _traceSends = traceSends;
        _environmentName = environmentName;
    }

    /// <summary>The first shard's database: with one database, every shard's.</summary>
    public PostgresServer Postgres => Databases[0];

    /// <summary>The PostgreSQL servers: one shared by every shard, or one per shard (index = shard).</summary>
    public IReadOnlyList<PostgresServer> Databases { get; }

    public RedisServer Redis { get; }

    public string ClusterId { get; } = "sys-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Dev-only signing key made for this run; every gateway of the system shares it, as a deployment must.</summary>
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public IReadOnlyList<HostProcess> Silos => _silos;

    /// <summary>The silo process started last for a shard: after a restart, the running one (<see cref="Silos"/> keeps every process started).</summary>
    public HostProcess SiloOf(int shard) => _silos.Last(silo => silo.Name == $"silo-{shard}");

    public IReadOnlyList<HostProcess> Gateways => _gateways;

    /// <summary>The first gateway's address.</summary>
    public Uri GatewayUrl => _gatewayUrls[0];

    public IReadOnlyList<Uri> GatewayUrls => _gatewayUrls;

    /// <summary>Where each gateway serves the Orleans dashboard: a port of its own, on loopback as by default.</summary>
    public IReadOnlyList<Uri> DashboardUrls => _dashboardUrls;

    /// <summary>The silo processes that are up now (<see cref="Silos"/> also lists the ones killed or stopped before).</summary>
    public IEnumerable<HostProcess> RunningSilos => _silos.Where(silo => !silo.HasExited);

    /// <param name="gatewaySettings">Extra gateway settings (environment variable names), e.g. rate limits.</param>
    /// <param name="durability">Relaxed for tests; as shipped (fsync on) for benchmarks of durable sends and tests of what a crash keeps.</param>
    /// <param name="databasePerShard">One PostgreSQL server per shard (ConnectionStrings__Postgres_N) instead of one for all.</param>
    /// <param name="gatewayUrl">Where the first gateway listens, when a caller must know it before it starts (a web client host).</param>
    /// <param name="traceSends">Every send traced for its message path, as ./run runs it (tests); off as shipped (benchmarks).</param>
    /// <param name="environmentName">Every host's environment: Development for tests, Production as ./run starts them.</param>
    public static async Task<ChatSystem> StartAsync(
        IReadOnlyDictionary<string, string>? gatewaySettings = null,
        PostgresDurability durability = PostgresDurability.Relaxed,
        bool databasePerShard = false,
        Uri? gatewayUrl = null,
        bool traceSends = true,
        string environmentName = HostProcess.TestEnvironment)
    {
        var databases = await Task.WhenAll(Enumerable.Range(0, databasePerShard ? ShardCount : 1).Select(_ => PostgresServer.StartAsync(durability)));
        RedisServer redis;
        try
        {
            redis = await RedisServer.StartAsync();
        }
        catch
        {
            // No system owns the databases yet: left running, they would outlive the test run.
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }

            throw;
        }

        var system = new ChatSystem(databases, redis, gatewaySettings ?? new Dictionary<string, string>(), traceSends, environmentName);
        try
        {
            for (var shard = 0; shard < ShardCount; shard++)
            {
                system.StartSilo(shard);
            }

            await system.StartGatewayAsync(url: gatewayUrl);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the silo of a shard (again, after it was killed or stopped), on that shard's ports.</summary>
    public HostProcess StartSilo(int shard)
    {
        if (!_siloPorts.TryGetValue(shard, out var ports))
        {
            _siloPorts[shard] = ports = SiloPorts.Free();
        }

        var settings = TestHostSettings.Silo(shard, ShardCount, Databases, Redis, ClusterId, ports, _traceSends);
        var silo = HostProcess.Start("Silo", $"silo-{shard}", settings, environmentName: _environmentName);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>
    /// Restarts the whole cluster: every silo stops as Ctrl-C would stop it, then each shard's silo starts again on its
    /// ports; returns once every running gateway sees them all. Every grain is cold afterwards.
    /// </summary>
    public async Task RestartClusterAsync()
    {
        await Task.WhenAll(RunningSilos.ToList().Select(StopAsync));
        for (var shard = 0; shard < ShardCount; shard++)
        {
            StartSilo(shard);
        }

        await Task.WhenAll(_gateways.Zip(_gatewayUrls).Where(pair => !pair.First.HasExited).Select(pair => WaitUntilHealthyAsync(pair.Second, pair.First)));
    }

    /// <summary>
    /// Stops everything as an operator would (gateways and silos as Ctrl-C stops them, then Redis and PostgreSQL), and
    /// starts it all again on the same ports and data; returns once every gateway sees every silo.
    /// </summary>
    public async Task RestartEverythingAsync()
    {
        await Task.WhenAll(_gateways.Select(StopAsync));
        await Task.WhenAll(RunningSilos.ToList().Select(StopAsync));
        await Redis.StopServerAsync();
        await Task.WhenAll(Databases.Select(database => database.StopServerAsync()));

        await Task.WhenAll(Databases.Select(database => database.StartServerAsync()));
        await Redis.StartServerAsync();
        for (var shard = 0; shard < ShardCount; shard++)
        {
            StartSilo(shard);
        }

        for (var index = 0; index < _gateways.Count; index++)
        {
            _gateways[index] = HostProcess.Start("Gateway", $"gateway-{index}-restarted", GatewayEnvironment(_gatewayUrls[index], _dashboardUrls[index], _gatewayOwnSettings[index]), environmentName: _environmentName);
        }

        await Task.WhenAll(_gateways.Zip(_gatewayUrls).Select(pair => WaitUntilHealthyAsync(pair.Second, pair.First)));
    }

    private static async Task StopAsync(HostProcess host)
    {
        await host.StopGracefullyAsync();
        if (!await host.WaitForExitAsync(TimeSpan.FromSeconds(30)))
        {
            await host.KillAsync();
        }
    }

    /// <summary>Where the silo of a shard serves its metrics (Prometheus text).</summary>
    public Uri SiloMetricsUrl(int shard) => new($"http://127.0.0.1:{_siloPorts[shard].Metrics}/metrics");

    /// <summary>Starts another gateway process on a free port and waits until it reaches every silo.</summary>
    /// <param name="settings">Settings of this gateway only, over the system's (e.g. a password hash cost to test).</param>
    /// <param name="url">Where it listens; a free loopback port by default.</param>
    public async Task<Uri> StartGatewayAsync(IReadOnlyDictionary<string, string>? settings = null, Uri? url = null)
    {
        url ??= new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var dashboard = new Uri($"http://127.0.0.1:{FreePort.Next()}/dashboard/");
        _gatewayOwnSettings.Add(settings ?? new Dictionary<string, string>());
        var gateway = HostProcess.Start("Gateway", $"gateway-{_gateways.Count}", GatewayEnvironment(url, dashboard, _gatewayOwnSettings[^1]), environmentName: _environmentName);
        _gateways.Add(gateway);
        _gatewayUrls.Add(url);
        _dashboardUrls.Add(dashboard);
        await WaitUntilHealthyAsync(url, gateway);
        return url;
    }

    /// <summary>
    /// Ends a gateway and starts a new one on the same address: killed, as a crash would, or stopped as Ctrl-C would
    /// (<paramref name="graceful"/>).
    /// </summary>
    public async Task RestartGatewayAsync(int index, bool graceful = false)
    {
        await StopGatewayAsync(index, graceful);
        await StartGatewayAgainAsync(index);
    }

    /// <summary>Ends a gateway: killed, as a crash would, or stopped as Ctrl-C would, waiting for its shutdown to finish.</summary>
    public async Task StopGatewayAsync(int index, bool graceful = false)
    {
        var gateway = _gateways[index];
        if (!graceful)
        {
            await gateway.KillAsync();
            return;
        }

        await gateway.StopGracefullyAsync();
        if (!await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException($"The gateway did not stop within a minute of SIGTERM:\n{gateway.Output}");
        }
    }

    /// <summary>Starts a new gateway process on the address of one that was stopped, and waits until it reaches every silo.</summary>
    public async Task StartGatewayAgainAsync(int index)
    {
        var url = _gatewayUrls[index];
        var replacement = HostProcess.Start("Gateway", $"gateway-{index}-restarted", GatewayEnvironment(url, _dashboardUrls[index], _gatewayOwnSettings[index]), environmentName: _environmentName);
        _gateways[index] = replacement;
        await WaitUntilHealthyAsync(url, replacement);
    }

    private Dictionary<string, string> GatewayEnvironment(Uri url, Uri dashboard, IReadOnlyDictionary<string, string> ownSettings)
    {
        var environment = TestHostSettings.Gateway(ShardCount, Redis, ClusterId, SigningKey, _traceSends);
        environment["ASPNETCORE_URLS"] = url.ToString();
        environment["Dashboard__Port"] = dashboard.Port.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in _gatewaySettings.Concat(ownSettings))
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>The output of every process, for a failing test to show.</summary>
    public string Logs() => string.Join('\n', _silos.Concat(_gateways).Select(host => $"----- {host.Name} -----\n{host.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _gateways.Concat(_silos))
        {
            await host.DisposeAsync();
        }

        await Redis.DisposeAsync();
        foreach (var database in Databases)
        {
            await database.DisposeAsync();
        }
    }

    private static Task WaitUntilHealthyAsync(Uri gatewayUrl, HostProcess gateway) =>
        GatewayReadiness.WaitForSilosAsync(gatewayUrl, ShardCount, StartBound,
            () => gateway.HasExited ? $"The gateway exited with {gateway.ExitCode}:\n{gateway.Output}" : null,
            () => gateway.Output);
}

using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Deployment;

/// <summary>
/// The system under test, started as ./run starts it (a PostgreSQL, or one per shard, and a Redis of their own, three
/// silo processes, one gateway process, each configured only by environment variables), with PostgreSQL as durable as
/// shipped. The
/// benchmark reaches it only through the gateway's public contract, plus PostgreSQL itself for the ceiling.
/// </summary>
public sealed class BenchmarkDeployment : IAsyncDisposable
{
    private BenchmarkDeployment(ChatSystem system)
    {
        System = system;
        Api = new ChatApi(system.GatewayUrl);
    }

    public ChatSystem System { get; }

    public ChatApi Api { get; }

    public Uri GatewayUrl => System.GatewayUrl;

    public int GatewayProcessId => System.Gateways[0].Id;

    public IReadOnlyList<int> SiloProcessIds => [.. System.RunningSilos.Select(silo => silo.Id)];

    /// <summary>Where every silo and gateway serves its metrics (Prometheus text): each shard's silo on its metrics port, each gateway on its own address.</summary>
    public IReadOnlyList<Uri> MetricsUrls =>
        [.. Enumerable.Range(0, ChatSystem.ShardCount).Select(System.SiloMetricsUrl), .. System.GatewayUrls.Select(gateway => new Uri(gateway, "/metrics"))];

    /// <param name="databasePerShard">One PostgreSQL per shard (ConnectionStrings__Postgres_N) instead of one for all.</param>
    /// <param name="smoke">A smoke run: subscriptions are renewed every 2 s instead of 20, so waiting for a renewal is short.</param>
    /// <param name="traced">Every send traced, as ./run runs the cluster; otherwise as shipped (untraced).</param>
    public static async Task<BenchmarkDeployment> StartAsync(bool databasePerShard, bool smoke, bool traced)
    {
        var settings = new Dictionary<string, string>
        {
            // The per-user send and hub-call allowances protect the service from one user; the benchmark's users send far faster.
            ["Gateway__SendsPerSecond"] = "1000000",
            ["Gateway__SendBurst"] = "1000000",
            ["Hub__CallsPerSecondPerConnection"] = "1000000",
            ["Hub__CallBurstPerConnection"] = "1000000",
            ["Allowance__CostPerSecondPerUser"] = "1000000",
            ["Allowance__CostBurstPerUser"] = "1000000",

            // As ./run: no per-request logging, which would cost the gateway more than the sends it measures.
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        if (smoke)
        {
            settings["Gateway__ObserverRenewInterval"] = "00:00:02";
        }

        // Production, as ./run starts the hosts: Development's service-lifetime validation is not what users run.
        var system = await ChatSystem.StartAsync(settings, PostgresDurability.AsShipped, databasePerShard, traceSends: traced, environmentName: "Production");
        return new BenchmarkDeployment(system);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await System.DisposeAsync();
    }
}

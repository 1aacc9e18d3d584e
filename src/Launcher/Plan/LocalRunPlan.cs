using System.Globalization;
using WhatsApp.Launcher.Stores;

namespace WhatsApp.Launcher.Plan;

/// <summary>
/// The plan of a ./run: one silo per shard, the gateway and the web client, each configured only by the environment
/// variables a deployment would set, against this run's stores; and, with a database per shard, the fault buttons'
/// commands for each database.
/// </summary>
public static class LocalRunPlan
{
    public static LaunchPlan For(LaunchOptions options, LocalLayout layout, LocalStores stores, Secrets secrets)
    {
        var processes = new List<ProcessPlan>();
        var shardCount = Text(options.Shards);
        for (var shard = 0; shard < options.Shards; shard++)
        {
            // Every silo gets every shard's database: after a failover it writes to the dead silo's shard database.
            // Every send is traced (Tracing__Enabled), for message info's path: this is the learner's run.
            processes.Add(Host(layout, $"silo-{shard}", ProcessRole.Silo, shard, "Silo", [
                new("ConnectionStrings__Postgres", stores.Databases[0].SiloConnectionString),
                .. stores.ShardDatabaseSettings(),
                new("ConnectionStrings__Redis", stores.Redis.Configuration),
                new("Shard__Index", Text(shard)),
                new("Shard__Count", shardCount),
                new("Orleans__SiloPort", Text(options.SiloPort + shard)),
                new("Orleans__GatewayPort", Text(options.SiloGatewayPort + shard)),
                new("Metrics__Port", Text(options.MetricsPort + shard)),
                new("Tracing__Enabled", "true"),
            ]));
        }

        processes.Add(Host(layout, "gateway", ProcessRole.Gateway, null, "Gateway", [
            new("ConnectionStrings__Redis", stores.Redis.Configuration),
            new("Shard__Count", shardCount),
            new("Jwt__SigningKey", Secrets.SigningKey(layout.Data)),
            new("Gateway__AllowedOrigins", $"http://localhost:{options.ClientPort},http://127.0.0.1:{options.ClientPort}"),
            new("ASPNETCORE_URLS", $"http://localhost:{options.GatewayPort}"),
            new("Dashboard__Port", Text(options.DashboardPort)),
            new("Tracing__Enabled", "true"),
        ]));

        // Whoever runs ./run is the operator of this machine, so their chat links the dashboard (the gateway serves it on
        // loopback) and shows the fault buttons: the client's host calls the launcher's control endpoint with its secret.
        processes.Add(Host(layout, "client", ProcessRole.Client, null, "Client", [
            new("Client__GatewayUrl", $"http://localhost:{options.GatewayPort}"),
            new("Client__DashboardUrl", $"http://127.0.0.1:{options.DashboardPort}/dashboard/"),
            new("ASPNETCORE_URLS", $"http://localhost:{options.ClientPort}"),
            new("Client__ControlUrl", $"http://127.0.0.1:{options.ControlPort}"),
            new("Client__ControlSecret", secrets.Get(Secrets.LauncherControl)),
        ]));

        // Only shards with databases of their own get database buttons: with one database, stopping it stops every shard.
        IReadOnlyList<DatabasePlan> databases = stores.Databases.Count > 1
            ? [.. stores.Databases.Select(database => new DatabasePlan(database.Index, database.Port, database.StartCommand, database.CrashCommand))]
            : [];
        return new LaunchPlan(new ControlPlan(options.ControlPort, secrets.PathOf(Secrets.LauncherControl)), processes, databases);
    }

    private static ProcessPlan Host(LocalLayout layout, string name, ProcessRole role, int? shard, string project, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        return new ProcessPlan(name, role, shard, LocalLayout.BuildOf(project), ["dotnet", LocalLayout.AssemblyOf(project)], environment, layout.Log(name));
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);
}

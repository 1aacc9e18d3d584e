using System.Globalization;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Cli;

/// <summary>
/// What one invocation measures and at which sizes. The defaults are the sizes with short windows, so `all` with
/// three runs fits well within half an hour on two cores; <c>--smoke</c> shrinks everything to prove the tool works.
/// </summary>
public sealed record BenchmarkOptions
{
    public required IReadOnlyList<string> Scenarios { get; init; }

    public int Runs { get; init; } = 3;

    public bool Smoke { get; init; }

    /// <summary>Every send traced for its message path, as ./run runs the cluster (Tracing__Enabled); off as shipped.</summary>
    public bool Traced { get; init; }

    /// <summary>Length of each measured window (and of the ceiling measured next to it).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sends made before each closed-loop window, not counted: connections and grains are warm when it starts.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Users of the throughput, latency and cold-start scenarios, each with a hub connection that listens.</summary>
    public int Users { get; init; } = 1_000;

    /// <summary>The two sends-in-flight levels of the throughput scenario.</summary>
    public IReadOnlyList<int> InFlight { get; init; } = [32, 256];

    public int CeilingConnections { get; init; } = 32;

    /// <summary>Chats of the grown user in the growth scenario.</summary>
    public int Chats { get; init; } = 500;

    /// <summary>Messages of the long conversation in the history scenario.</summary>
    public int HistoryMessages { get; init; } = 100_000;

    /// <summary>Time box for filling the long conversation; the report states the length reached.</summary>
    public TimeSpan HistorySeedLimit { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>The window after a whole-cluster restart (the first 30 s), and the warm window it is compared with.</summary>
    public TimeSpan ColdWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Groups of the groups scenario, and the members of each (the 64).</summary>
    public int Groups { get; init; } = 16;

    public int GroupMembers { get; init; } = 64;

    public int Connections { get; init; } = 10_000;

    /// <summary>Users behind the idle connections (each holds Connections / ConnectionUsers of them, like tabs and phones).</summary>
    public int ConnectionUsers { get; init; } = 2_000;

    /// <summary>
    /// Connections per loopback source address. Each connection to the gateway's one address and port takes an ephemeral
    /// port of its source address (about 28,000 on Linux, shared with everything else on the machine), so the idle
    /// connections spread over 127.0.0.2, 127.0.0.3, ...
    /// </summary>
    public int ConnectionsPerSourceAddress { get; init; } = 4_000;

    /// <summary>Where the JSON and Markdown results go.</summary>
    /// <summary>PostgreSQL servers of the deployment: 1 (every shard in one, as ./run by default) or one per shard.</summary>
    public int Databases { get; init; } = 1;

    /// <summary>The file sizes of the media scenario, in bytes (WhatsApp's typical photo, and the photo limit).</summary>
    public IReadOnlyList<int> MediaFileSizes { get; init; } = [1024 * 1024, 16 * 1024 * 1024];

    /// <summary>Uploads in flight in the media scenario.</summary>
    public int MediaInFlight { get; init; } = 8;

    /// <summary>How long the chaos scenario sends while faults strike (in smoke mode: one fault of each kind).</summary>
    public TimeSpan ChaosDuration { get; init; } = TimeSpan.FromMinutes(10);

    public bool DatabasePerShard => Databases > 1;

    /// <summary>What to add to a scenario's command to deploy the same way (empty for the default).</summary>
    public string DeploymentArguments => DatabasePerShard ? $" --databases {Databases}" : string.Empty;

    public required string OutputDirectory { get; init; }

    /// <summary>What "all" runs: every scenario with figures to compare.</summary>
    public static readonly IReadOnlyList<string> AllScenarios =
        ["ceiling", "throughput", "latency", "idle", "growth", "history", "coldstart", "connections", "failover", "groups", "media"];

    /// <summary>Every scenario: those of "all", and chaos, which runs alone (its faults would spoil the others' figures).</summary>
    public static readonly IReadOnlyList<string> KnownScenarios = [.. AllScenarios, "chaos"];

    public const string Usage = """
        Usage: dotnet run -c Release --project tests/Benchmarks -- <scenario|all> [options]
          scenarios: ceiling, throughput, latency, idle, growth, history, coldstart, connections, failover, groups, media, all,
                     chaos (not in all: sends and hub clients under one fault at a time for --chaos-duration)
          --runs N                 runs per scenario; figures are medians over them (default 3)
          --duration S             seconds per measured window and per ceiling (default 10)
          --users N                users of throughput, latency, coldstart (default 1000)
          --chats N                chats of the grown user (default 500)
          --history-messages N     length of the long conversation (default 100000)
          --history-seed-limit S   time box for filling it (default 240)
          --cold-window S          window after a whole-cluster restart (default 30)
          --groups N               groups of the groups scenario (default 16)
          --group-members N        members of each (default 64, at most --users)
          --connections N          idle hub connections (default 10000)
          --connection-users N     users holding them (default 2000)
          --chaos-duration S       how long the chaos scenario runs (default 600)
          --databases N            1: one PostgreSQL for every shard (default); 3: one per shard, the ceiling summed over them
          --out DIR                results folder (default artifacts/benchmarks, or artifacts/benchmarks/databases-N)
          --smoke                  every scenario at tiny sizes, one run: proves the tool works in seconds
          --traced                 every send traced for message info's path, as ./run runs the cluster (default: off, as shipped)
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args, string defaultOutputDirectory)
    {
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("Name a scenario or all.");
        }

        var scenario = args[0];
        if (scenario != "all" && !KnownScenarios.Contains(scenario))
        {
            throw new ArgumentException($"Unknown scenario '{scenario}'.");
        }

        var values = new Dictionary<string, string>();
        var smoke = false;
        var traced = false;
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i] == "--smoke")
            {
                smoke = true;
            }
            else if (args[i] == "--traced")
            {
                traced = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Count)
            {
                values[args[i]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            }
        }

        var outputGiven = values.Remove("--out", out var output);
        var options = (smoke ? SmokeSizes : new BenchmarkOptions { Scenarios = [], OutputDirectory = string.Empty }) with
        {
            Scenarios = scenario == "all" ? AllScenarios : [scenario],
            Smoke = smoke,
            Traced = traced,
            OutputDirectory = outputGiven ? Path.GetFullPath(output!) : defaultOutputDirectory,
        };
        options = options with
        {
            Runs = Take(values, "--runs", options.Runs),
            Duration = TimeSpan.FromSeconds(Take(values, "--duration", options.Duration.TotalSeconds)),
            Users = Take(values, "--users", options.Users),
            Chats = Take(values, "--chats", options.Chats),
            HistoryMessages = Take(values, "--history-messages", options.HistoryMessages),
            HistorySeedLimit = TimeSpan.FromSeconds(Take(values, "--history-seed-limit", options.HistorySeedLimit.TotalSeconds)),
            ColdWindow = TimeSpan.FromSeconds(Take(values, "--cold-window", options.ColdWindow.TotalSeconds)),
            Groups = Take(values, "--groups", options.Groups),
            GroupMembers = Take(values, "--group-members", options.GroupMembers),
            Connections = Take(values, "--connections", options.Connections),
            ConnectionUsers = Take(values, "--connection-users", options.ConnectionUsers),
            Databases = Take(values, "--databases", options.Databases),
            ChaosDuration = TimeSpan.FromSeconds(Take(values, "--chaos-duration", options.ChaosDuration.TotalSeconds)),
        };
        if (options.DatabasePerShard && !outputGiven)
        {
            // Figures of the two deployments sit side by side in docs/performance.md: one must not overwrite the other.
            options = options with { OutputDirectory = Path.Combine(defaultOutputDirectory, $"databases-{options.Databases}") };
        }
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown option {values.Keys.First()}.");
        }

        return options.Runs >= 1 && options.Users >= 2 && options.Groups >= 1 && options.GroupMembers >= 2 && options.ConnectionUsers >= 1 && options.Connections >= options.ConnectionUsers
            && options.Databases is 1 or ChatSystem.ShardCount
            ? options
            : throw new ArgumentException($"--runs must be at least 1, --users and --group-members at least 2, --groups at least 1, --connections at least --connection-users, --databases 1 or {ChatSystem.ShardCount}.");
    }

    /// <summary>A few seconds per scenario; one source address per 25 connections, so the multi-address path runs too.</summary>
    private static BenchmarkOptions SmokeSizes => new()
    {
        Scenarios = [],
        OutputDirectory = string.Empty,
        Runs = 1,
        Duration = TimeSpan.FromSeconds(1),
        Warmup = TimeSpan.FromSeconds(0.5),
        Users = 20,
        InFlight = [4, 16],
        CeilingConnections = 8,
        Chats = 10,
        HistoryMessages = 200,
        HistorySeedLimit = TimeSpan.FromSeconds(20),
        ColdWindow = TimeSpan.FromSeconds(1),
        Groups = 2,
        GroupMembers = 8,
        Connections = 60,
        ConnectionUsers = 10,
        ConnectionsPerSourceAddress = 25,
        ChaosDuration = TimeSpan.FromSeconds(60),
        MediaFileSizes = [256 * 1024, 1024 * 1024],
        MediaInFlight = 4,
    };

    private static int Take(Dictionary<string, string> values, string name, int fallback) =>
        values.Remove(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static double Take(Dictionary<string, string> values, string name, double fallback) =>
        values.Remove(name, out var text) ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;
}

using System.Globalization;

namespace WhatsApp.Launcher.Plan;

/// <summary>./run's options: how many shards and databases, where everything listens, and the data folder.</summary>
public sealed record LaunchOptions
{
    public const string Usage = """
        Usage: ./run [options]
          --shards N            number of shards, one silo each (default 3)
          --gateway-port P      gateway: REST API, SignalR hub (default 3000)
          --dashboard-port P    Orleans dashboard, on loopback only (default 3001)
          --client-port P       web client (default 8080)
          --postgres-port P     private PostgreSQL (default 15432); with --databases, shard i's uses P+i
          --databases N         1: one PostgreSQL for every shard (default); N = --shards: one per shard
          --split               with --databases N, move the rows of a one-database data folder to the shard databases
                                (the silos' split-databases command) before the silos start
          --redis-port P        private Redis (default 16379)
          --silo-port P         first silo port; shard i uses P+i (default 11111)
          --silo-gateway-port P first silo gateway port; shard i uses P+i (default 30000)
          --metrics-port P      first silo metrics port (/metrics); shard i uses P+i (default 9400)
          --control-port P      the launcher's control endpoint, on loopback only, for the chat's fault buttons (default 3002)
          --data DIR            data and logs (default .data in the checkout)
          --no-build            use the existing Release build
        """;

    public int Shards { get; init; } = 3;

    public int Databases { get; init; } = 1;

    /// <summary>Whether to move a one-database data folder's rows into the shard databases before the silos start.</summary>
    public bool Split { get; init; }

    public int GatewayPort { get; init; } = 3000;

    public int DashboardPort { get; init; } = 3001;

    public int ClientPort { get; init; } = 8080;

    public int PostgresPort { get; init; } = 15432;

    public int RedisPort { get; init; } = 16379;

    public int SiloPort { get; init; } = 11111;

    public int SiloGatewayPort { get; init; } = 30000;

    public int MetricsPort { get; init; } = 9400;

    public int ControlPort { get; init; } = 3002;

    /// <summary>The data folder, absolute.</summary>
    public string Data { get; init; } = Path.GetFullPath(".data");

    /// <summary>Reads the command line (./run's arguments but --no-build, which ./run keeps); null when it asks for help.</summary>
    /// <exception cref="LaunchOptionsException">An unknown option, a missing value or a value out of range.</exception>
    public static LaunchOptions? Parse(IReadOnlyList<string> arguments)
    {
        var options = new LaunchOptions();
        for (var index = 0; index < arguments.Count; index++)
        {
            var name = arguments[index];
            string Value() => index + 1 < arguments.Count ? arguments[++index] : throw new LaunchOptionsException($"{name} needs a value");
            int Port() => ParsePort(name, Value());
            options = name switch
            {
                "--shards" => options with { Shards = ParseNumber(name, Value(), 1, 99) },
                "--databases" => options with { Databases = ParseNumber(name, Value(), 1, 99) },
                "--split" => options with { Split = true },
                "--gateway-port" => options with { GatewayPort = Port() },
                "--dashboard-port" => options with { DashboardPort = Port() },
                "--client-port" => options with { ClientPort = Port() },
                "--postgres-port" => options with { PostgresPort = Port() },
                "--redis-port" => options with { RedisPort = Port() },
                "--silo-port" => options with { SiloPort = Port() },
                "--silo-gateway-port" => options with { SiloGatewayPort = Port() },
                "--metrics-port" => options with { MetricsPort = Port() },
                "--control-port" => options with { ControlPort = Port() },
                "--data" => options with { Data = Path.GetFullPath(Value()) },
                "-h" or "--help" => null,
                _ => throw new LaunchOptionsException($"Unknown option: {name}"),
            };
            if (options is null)
            {
                return null;
            }
        }

        return options.Databases == 1 || options.Databases == options.Shards
            ? options
            : throw new LaunchOptionsException($"--databases must be 1 or the number of shards ({options.Shards})");
    }

    /// <summary>Every port this run listens on, with what listens there, for the check that none is taken.</summary>
    public IEnumerable<(int Port, string Owner)> Ports()
    {
        yield return (RedisPort, "Redis");
        yield return (GatewayPort, "gateway");
        yield return (DashboardPort, "dashboard");
        yield return (ClientPort, "client");
        yield return (ControlPort, "launcher control");
        for (var database = 0; database < Databases; database++)
        {
            yield return (PostgresPort + database, $"PostgreSQL {database}");
        }

        for (var shard = 0; shard < Shards; shard++)
        {
            yield return (SiloPort + shard, $"silo {shard}");
            yield return (SiloGatewayPort + shard, $"silo {shard} gateway");
            yield return (MetricsPort + shard, $"silo {shard} metrics");
        }
    }

    private static int ParsePort(string name, string value) => ParseNumber(name, value, 1, 65535);

    private static int ParseNumber(string name, string value, int least, int most) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= least && number <= most
            ? number
            : throw new LaunchOptionsException($"{name} must be a number from {least} to {most}");
}

/// <summary>A command line ./run cannot act on; the message says what to change.</summary>
public sealed class LaunchOptionsException(string message) : Exception(message);

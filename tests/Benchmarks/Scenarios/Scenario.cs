using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

/// <summary>One benchmark of the issue: prepared once (seeding), then measured in each run.</summary>
public abstract class Scenario
{
    public abstract string Name { get; }

    /// <summary>What it measures, in a sentence, for the reports.</summary>
    public abstract string Description { get; }

    public string Command => $"dotnet run -c Release --project tests/Benchmarks -- {Name}";

    /// <summary>Seeds what every run needs (users, chats, a long conversation); nothing by default.</summary>
    public virtual Task PrepareAsync(ScenarioContext context) => Task.CompletedTask;

    public abstract Task<FigureList> RunOnceAsync(ScenarioContext context);

    public static Scenario Named(string name) => name switch
    {
        "ceiling" => new CeilingScenario(),
        "throughput" => new ThroughputScenario(),
        "latency" => new LatencyScenario(),
        "idle" => new IdleScenario(),
        "growth" => new GrowthScenario(),
        "history" => new HistoryScenario(),
        "coldstart" => new ColdStartScenario(),
        "connections" => new ConnectionsScenario(),
        "failover" => new FailoverScenario(),
        "groups" => new GroupScenario(),
        "chaos" => new ChaosScenario(),
        "media" => new MediaScenario(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown scenario."),
    };
}

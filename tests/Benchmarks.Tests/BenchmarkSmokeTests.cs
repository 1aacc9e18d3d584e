using System.Text.Json;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Benchmarks.Tests;

public sealed class BenchmarkSmokeTests(ITestOutputHelper output) : IDisposable
{
    // The scenarios the CLI documents (docs/performance.md); each must leave a JSON and a Markdown report.
    private static readonly string[] Scenarios = ["ceiling", "throughput", "latency", "idle", "growth", "history", "coldstart", "connections", "failover", "groups", "media"];

    // What each load window reports about the cost of one acknowledged send (tests/Benchmarks/Reporting/LoadFigures.cs).
    private static readonly string[] CostsPerSend = [".orleans-messages-per-send", ".cpu-ms-per-send", ".loadgen-cpu-ms-per-send"];

    private static readonly string[] FaultKinds = ["silo", "database", "redis", "gateway"];

    private static readonly string Benchmark = Path.Combine(RepositoryLayout.Root, "tests", "Benchmarks", "bin", RepositoryLayout.Configuration, "net10.0", "WhatsApp.Benchmarks.dll");

    private readonly string _results = Directory.CreateTempSubdirectory("whatsapp-bench-").FullName;

    [Fact(Timeout = 300_000)]
    public async Task Benchmark_AllScenariosInSmokeMode_ExitsZeroAndReportsFiguresForEachAndWhatASendCost()
    {
        // ExternalProcess fails the test with the whole console output when the benchmark exits non-zero.
        output.WriteLine(await ExternalProcess.RunAsync("dotnet", [Benchmark, "all", "--smoke", "--out", _results], TimeSpan.FromMinutes(4)));

        foreach (var scenario in Scenarios)
        {
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_results, $"{scenario}.json")));
            Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("failure").ValueKind);
            var medians = report.RootElement.GetProperty("figures").EnumerateArray().Select(figure => figure.GetProperty("median")).ToList();
            Assert.True(medians.Any(median => median.ValueKind == JsonValueKind.Number), $"{scenario} reported no figure");
            Assert.Contains("| figure |", await File.ReadAllTextAsync(Path.Combine(_results, $"{scenario}.md")), StringComparison.Ordinal);
        }

        Assert.Contains("## Targets", await File.ReadAllTextAsync(Path.Combine(_results, "summary.md")), StringComparison.Ordinal);
        await AssertEveryWindowThatAckedSendsReportsTheirCostAsync("throughput");
        await AssertEveryWindowThatAckedSendsReportsTheirCostAsync("groups");
    }

    [Fact(Timeout = 300_000)]
    public async Task Benchmark_ThroughputWithADatabasePerShard_SumsTheCeilingOverTheShardDatabasesAndReportsIt()
    {
        var console = await ExternalProcess.RunAsync("dotnet", [Benchmark, "throughput", "--smoke", "--databases", "3", "--out", _results], TimeSpan.FromMinutes(4));
        output.WriteLine(console);

        Assert.Contains("to each of 3 databases", console, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_results, "throughput.json")));
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("failure").ValueKind);
        Assert.Contains("--databases 3", report.RootElement.GetProperty("command").GetString(), StringComparison.Ordinal);
        var ceiling = report.RootElement.GetProperty("figures").EnumerateArray().Single(figure => figure.GetProperty("key").GetString() == "ceiling");
        Assert.True(ceiling.GetProperty("median").GetDouble() > 0, "no ceiling was measured");
    }

    [Fact(Timeout = 600_000)]
    public async Task Benchmark_ChaosInSmokeMode_OneFaultOfEachKind_LosesNothingAndNoProcessExitsUnkilled()
    {
        output.WriteLine(await ExternalProcess.RunAsync("dotnet", [Benchmark, "chaos", "--smoke", "--out", _results], TimeSpan.FromMinutes(8)));

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_results, "chaos.json")));
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("failure").ValueKind);
        var medians = Medians(report);
        Assert.True(medians["sends"] > 0, "nothing was acknowledged");
        Assert.Equal((0d, 0d, 0d, 0d), (medians["lost"], medians["duplicated"], medians["gaps"], medians["exited"]));
        foreach (var kind in FaultKinds)
        {
            Assert.Equal(1, medians[$"{kind}.faults"]);
            Assert.True(medians[$"{kind}.recovered"] > 0, $"no recovery time after the {kind} fault");
        }
    }

    private static Dictionary<string, double?> Medians(JsonDocument report) =>
        report.RootElement.GetProperty("figures").EnumerateArray().ToDictionary(
            figure => figure.GetProperty("key").GetString()!,
            figure => figure.GetProperty("median") is { ValueKind: JsonValueKind.Number } median ? median.GetDouble() : (double?)null);

    /// <summary>
    /// A window of a smoke run lasts a second and may acknowledge nothing while the cluster warms up; each window that
    /// acknowledged sends must say what one cost.
    /// </summary>
    private async Task AssertEveryWindowThatAckedSendsReportsTheirCostAsync(string scenario)
    {
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_results, $"{scenario}.json")));
        var medians = Medians(report);
        const string Acked = ".acked";
        var windows = medians.Keys.Where(key => key.EndsWith(Acked, StringComparison.Ordinal) && medians[key] > 0).Select(key => key[..^Acked.Length]).ToList();
        Assert.NotEmpty(windows);
        foreach (var cost in windows.SelectMany(window => CostsPerSend.Select(suffix => window + suffix)))
        {
            Assert.True(medians.GetValueOrDefault(cost) > 0, $"{scenario}: {cost} is missing or not positive");
        }
    }

    public void Dispose() => Directory.Delete(_results, recursive: true);
}

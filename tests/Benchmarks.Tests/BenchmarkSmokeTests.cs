using System.Text.Json;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Benchmarks.Tests;

public sealed class BenchmarkSmokeTests(ITestOutputHelper output) : IDisposable
{
    // The scenarios the CLI documents (docs/performance.md); each must leave a JSON and a Markdown report.
    private static readonly string[] Scenarios = ["ceiling", "throughput", "latency", "idle", "growth", "history", "coldstart", "connections"];

    private readonly string _results = Directory.CreateTempSubdirectory("whatsapp-bench-").FullName;

    [Fact(Timeout = 300_000)]
    public async Task Benchmark_AllScenariosInSmokeMode_ExitsZeroAndReportsFiguresForEach()
    {
        var benchmark = Path.Combine(RepositoryLayout.Root, "tests", "Benchmarks", "bin", RepositoryLayout.Configuration, "net10.0", "WhatsApp.Benchmarks.dll");

        // ExternalProcess fails the test with the whole console output when the benchmark exits non-zero.
        output.WriteLine(await ExternalProcess.RunAsync("dotnet", [benchmark, "all", "--smoke", "--out", _results], TimeSpan.FromMinutes(4)));

        foreach (var scenario in Scenarios)
        {
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_results, $"{scenario}.json")));
            Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("failure").ValueKind);
            var medians = report.RootElement.GetProperty("figures").EnumerateArray().Select(figure => figure.GetProperty("median")).ToList();
            Assert.True(medians.Any(median => median.ValueKind == JsonValueKind.Number), $"{scenario} reported no figure");
            Assert.Contains("| figure |", await File.ReadAllTextAsync(Path.Combine(_results, $"{scenario}.md")), StringComparison.Ordinal);
        }

        Assert.Contains("## Targets", await File.ReadAllTextAsync(Path.Combine(_results, "summary.md")), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_results, recursive: true);
}

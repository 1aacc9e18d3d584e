using WhatsApp.Benchmarks.Scenarios;

namespace WhatsApp.Benchmarks.Reporting;

/// <summary>
/// One row of the targets: the figure, what the first version measured, what it must reach and the goal,
/// and where this invocation's median comes from.
/// </summary>
public sealed record Target(string Figure, string Before, string MustReach, string Goal, string Scenario, string Key, string Unit);

public static class Targets
{
    /// <param name="lowInFlight">The lower in-flight level of the throughput scenario (32 outside smoke runs).</param>
    public static IReadOnlyList<Target> All(int lowInFlight) =>
    [
        new($"durable acked sends/s ÷ ceiling, REST {lowInFlight} in flight", "0.037", "≥ 0.25", "0.5",
            "throughput", $"{ThroughputScenario.RestKey(lowInFlight)}.{ThroughputScenario.AckedPerCeilingKey}", Units.Ratio),
        new("delivered sends/s ÷ ceiling, hub", "0.06 (fsync off)", "≥ 0.2", "0.4", "throughput", ThroughputScenario.HubDeliveredPerCeilingKey, Units.Ratio),
        new("p99 send→delivery at half the maximum rate", "~200 ms at max", "≤ 50 ms", "20 ms", "latency", $"{LatencyScenario.HalfRatePrefix}.delivery-p99", Units.Milliseconds),
        new("idle send p50 (REST, to 201)", "11 ms", "≤ 4 ms", "2 ms", "idle", "send-p50", Units.Milliseconds),
        new("send p50, user with 500 chats ÷ fresh", "1.8 (400 chats)", "≤ 1.1", "1.0", "growth", GrowthScenario.RatioKey, Units.Ratio),
        new("send p50, 100,000-message conversation ÷ new", "bounded by bucket", "≤ 1.1", "1.0", "history", HistoryScenario.RatioKey, Units.Ratio),
        new("cold-start throughput ÷ warm (first 30 s)", "< 0.5", "≥ 0.7", "0.9", "coldstart", ColdStartScenario.RatioKey, Units.Ratio),
        new("gateway memory per idle connection (RSS)", "≈ 75 KB RSS", "≤ 40 KB", "15 KB", "connections", ConnectionsScenario.GatewayRssKey, Units.Kilobytes),
        new("gateway managed heap per idle connection (after a full GC)", "not measured", "≤ 40 KB", "15 KB", "connections", ConnectionsScenario.GatewayHeapKey, Units.Kilobytes),
        new("media uploads ÷ plain COPY of the same bytes, 16 MB files", "no media", "≥ 0.5", "0.8", "media", $"16mb.{MediaScenario.RatioSuffix}", Units.Ratio),
        new("gateway and silos' managed heap per upload in flight", "no media", "≤ 1024 KB", "256 KB", "media", MediaScenario.HeapPerUploadKey, Units.Kilobytes),
        new("text send p50 with uploads running ÷ without", "no media", "≤ 1.5", "1.1", "media", MediaScenario.TextRatioKey, Units.Ratio),
    ];
}

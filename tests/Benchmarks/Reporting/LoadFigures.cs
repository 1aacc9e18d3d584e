using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Measurement;

namespace WhatsApp.Benchmarks.Reporting;

/// <summary>The figures of a load window, under a key prefix such as "rest-32".</summary>
public static class LoadFigures
{
    public static void AddLoad(this FigureList figures, string prefix, string label, LoadResult result)
    {
        figures.Add($"{prefix}.acked", $"{label}: acked sends", Units.PerSecond, result.AckedPerSecond);
        figures.Add($"{prefix}.delivered", $"{label}: delivered sends", Units.PerSecond, result.DeliveredPerSecond);
        figures.AddLatencies($"{prefix}.ack", $"{label}: send→ack", result.Ack);
        figures.AddLatencies($"{prefix}.delivery", $"{label}: send→delivery", result.Delivery);
        figures.Add($"{prefix}.errors", $"{label}: errors", Units.Count, result.Errors);
        figures.Add($"{prefix}.undelivered", $"{label}: acked, not delivered within 5 s", Units.Count, result.Undelivered);
    }

    public static void AddLatencies(this FigureList figures, string prefix, string label, Percentiles? latencies)
    {
        const string NothingMeasured = "no send completed in the window";
        figures.Add($"{prefix}-p50", $"{label} p50", Units.Milliseconds, latencies?.P50, latencies is null ? NothingMeasured : null);
        figures.Add($"{prefix}-p95", $"{label} p95", Units.Milliseconds, latencies?.P95, latencies is null ? NothingMeasured : null);
        figures.Add($"{prefix}-p99", $"{label} p99", Units.Milliseconds, latencies?.P99, latencies is null ? NothingMeasured : null);
    }
}

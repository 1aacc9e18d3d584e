namespace WhatsApp.Benchmarks.Measurement;

/// <summary>p50, p95 and p99 of a set of latencies in milliseconds (nearest rank); absent when nothing was measured.</summary>
public sealed record Percentiles(double P50, double P95, double P99, int Count)
{
    public static Percentiles? Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : new Percentiles(Rank(sorted, 0.50), Rank(sorted, 0.95), Rank(sorted, 0.99), sorted.Length);
    }

    /// <summary>The median of several runs' figures; the runs without the figure are left out.</summary>
    public static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Order().ToArray();
        return sorted.Length switch
        {
            0 => null,
            _ when sorted.Length % 2 == 1 => sorted[sorted.Length / 2],
            _ => (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2,
        };
    }

    private static double Rank(double[] sorted, double fraction) =>
        sorted[(int)Math.Clamp(Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}

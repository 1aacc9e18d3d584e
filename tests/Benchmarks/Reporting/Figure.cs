namespace WhatsApp.Benchmarks.Reporting;

/// <summary>
/// One measured figure of one run. A figure that could not be measured has no value and says why in
/// <see cref="Note"/>, which otherwise says how it was measured when that is not obvious.
/// </summary>
public sealed record Figure(string Key, string Label, string Unit, double? Value, string? Note = null);

/// <summary>The figures of one run, in the order they are shown.</summary>
public sealed class FigureList : List<Figure>
{
    public void Add(string key, string label, string unit, double? value, string? note = null) => Add(new Figure(key, label, unit, value, note));

    /// <summary>A ratio within this run; absent when either side is.</summary>
    public void AddRatio(string key, string label, double? numerator, double? denominator) =>
        Add(key, label, Units.Ratio, numerator is { } n && denominator is > 0 ? n / denominator.Value : null, numerator is null || denominator is not > 0 ? "a side of the ratio was not measured" : null);

    public double? ValueOf(string key) => Find(figure => figure.Key == key)?.Value;
}

public static class Units
{
    public const string PerSecond = "/s";
    public const string Milliseconds = "ms";
    public const string Seconds = "s";
    public const string Ratio = "ratio";
    public const string Count = "count";
    public const string Kilobytes = "KB";
    public const string Megabytes = "MB";
    public const string MegabytesPerSecond = "MB/s";
    public const string MessagesPerSend = "messages/send";
    public const string CpuMillisecondsPerSend = "CPU ms/send";
}

using System.Globalization;

namespace WhatsApp.Gateway.Tests.Infrastructure;

/// <summary>One sample line of a Prometheus text exposition: <c>name{labels} value</c>.</summary>
public sealed record PrometheusSample(string Name, string Labels, double Value)
{
    /// <summary>The samples of a /metrics answer; comment lines (# HELP, # TYPE) are skipped.</summary>
    public static IReadOnlyList<PrometheusSample> Parse(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(ParseLine)];

    private static PrometheusSample ParseLine(string line)
    {
        var open = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var (name, labels, rest) = open >= 0 && open < space
            ? (line[..open], line[(open + 1)..line.LastIndexOf('}')], line[(line.LastIndexOf('}') + 1)..])
            : (line[..space], "", line[space..]);
        var value = rest.Trim().Split(' ')[0];
        return new PrometheusSample(name, labels, double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}

using System.Globalization;

namespace WhatsApp.Testing;

/// <summary>One sample line of a Prometheus text exposition: <c>name{labels} value</c>.</summary>
public sealed record PrometheusSample(string Name, string Labels, double Value)
{
    /// <summary>The samples of a /metrics answer; comment lines (# HELP, # TYPE) are skipped.</summary>
    public static IReadOnlyList<PrometheusSample> Parse(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith('#'))
            .Select(ParseLine)];

    /// <summary>The samples a process (a gateway or a silo) serves at /metrics now.</summary>
    public static async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(Uri process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await http.GetAsync(new Uri(process, "/metrics"));
        response.EnsureSuccessStatusCode();
        return Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The sum of the samples of one name, over all their label sets or those that contain a label (<c>outcome="failed"</c>).</summary>
    public static double Total(IReadOnlyList<PrometheusSample> samples, string name, string? label = null) =>
        samples.Where(sample => sample.Name == name && (label is null || sample.Labels.Contains(label, StringComparison.Ordinal))).Sum(sample => sample.Value);

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

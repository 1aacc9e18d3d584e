using WhatsApp.Benchmarks.Measurement;

namespace WhatsApp.Benchmarks.Reporting;

/// <summary>A figure over every run of a scenario, with its median.</summary>
public sealed record FigureSummary(string Key, string Label, string Unit, IReadOnlyList<double?> Runs, double? Median, string? Note);

/// <summary>Everything one scenario measured, run by run, or why it failed.</summary>
public sealed class ScenarioReport(string name, string description, string command)
{
    private readonly List<FigureList> _runs = [];

    public string Name { get; } = name;

    public string Description { get; } = description;

    public string Command { get; } = command;

    public string? Failure { get; set; }

    public int RunCount => _runs.Count;

    public void AddRun(FigureList figures) => _runs.Add(figures);

    /// <summary>Each figure in the order the runs reported them, with its value in every run and the median over them.</summary>
    public IReadOnlyList<FigureSummary> Figures() =>
        [.. _runs.SelectMany(run => run).DistinctBy(figure => figure.Key).Select(first =>
        {
            var values = _runs.Select(run => run.ValueOf(first.Key)).ToList();
            var note = _runs.SelectMany(run => run).FirstOrDefault(figure => figure.Key == first.Key && figure.Note is not null)?.Note;
            return new FigureSummary(first.Key, first.Label, first.Unit, values, Percentiles.Median(values), note);
        })];

    public double? Median(string key) => Figures().FirstOrDefault(figure => figure.Key == key)?.Median;
}

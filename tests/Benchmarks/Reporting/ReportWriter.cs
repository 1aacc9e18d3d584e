using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using WhatsApp.Benchmarks.Cli;

namespace WhatsApp.Benchmarks.Reporting;

/// <summary>Results as JSON and as Markdown tables (one pair per scenario, plus summary.md for several), and on the console.</summary>
public sealed class ReportWriter(BenchmarkOptions options, MachineInfo machine)
{
    private const string Durability = "PostgreSQL as shipped: fsync=on, synchronous_commit=on, full_page_writes=on";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task WriteScenarioAsync(ScenarioReport report)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var json = new
        {
            scenario = report.Name,
            description = report.Description,
            command = report.Command,
            smoke = options.Smoke,
            date = machine.Date,
            commit = machine.Commit,
            machine = new { machine.Cores, machine.MemoryGiB, machine.Processor, machine.OperatingSystem, machine.Runtime },
            durability = Durability,
            runs = report.RunCount,
            settings = Settings(),
            failure = report.Failure,
            figures = report.Figures(),
        };
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, $"{report.Name}.json"), JsonSerializer.Serialize(json, Json));
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, $"{report.Name}.md"), Header($"Benchmark: {report.Name}") + ScenarioMarkdown(report));
    }

    public async Task WriteSummaryAsync(IReadOnlyList<ScenarioReport> reports)
    {
        var markdown = new StringBuilder(Header("Benchmarks: summary"));
        markdown.AppendLine("## Targets\n");
        markdown.AppendLine("| figure | before (first version, from the issue) | now (median) | must reach | goal |");
        markdown.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var (target, now) in TargetRows(reports))
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {target.Figure} | {target.Before} | {now} | {target.MustReach} | {target.Goal} |");
        }

        foreach (var report in reports)
        {
            markdown.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## {report.Name}\n").Append(ScenarioMarkdown(report));
        }

        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "summary.md"), markdown.ToString());
    }

    public static void ShowScenario(ScenarioReport report)
    {
        var table = new Table().Title($"{report.Name}: {report.RunCount} run(s)").AddColumn("figure");
        for (var run = 1; run <= report.RunCount; run++)
        {
            table.AddColumn(new TableColumn($"run {run}").RightAligned());
        }

        table.AddColumn(new TableColumn("[bold]median[/]").RightAligned());
        foreach (var figure in report.Figures())
        {
            table.AddRow([Markup.Escape(figure.Label), .. figure.Runs.Select(value => Format(value, figure.Unit)), $"[bold]{Format(figure.Median, figure.Unit)}[/]"]);
        }

        AnsiConsole.Write(table);
        if (report.Failure is not null)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]{report.Name} failed: {report.Failure}[/]");
        }
    }

    public void ShowTargets(IReadOnlyList<ScenarioReport> reports)
    {
        var table = new Table().Title("targets").AddColumns("figure", "before", "now (median)", "must reach", "goal");
        foreach (var (target, now) in TargetRows(reports))
        {
            table.AddRow(Markup.Escape(target.Figure), Markup.Escape(target.Before), $"[bold]{Markup.Escape(now)}[/]", Markup.Escape(target.MustReach), Markup.Escape(target.Goal));
        }

        AnsiConsole.Write(table);
    }

    public static string Format(double? value, string unit) => value switch
    {
        null => "n/a",
        { } number => unit switch
        {
            Units.Ratio => number.ToString("F3", CultureInfo.InvariantCulture),
            Units.Milliseconds or Units.Seconds or Units.Kilobytes or Units.Megabytes or Units.MegabytesPerSecond => number.ToString("F1", CultureInfo.InvariantCulture) + " " + unit,
            Units.PerSecond => number.ToString("F0", CultureInfo.InvariantCulture) + unit,
            Units.MessagesPerSend or Units.CpuMillisecondsPerSend => number.ToString("F2", CultureInfo.InvariantCulture) + " " + unit,
            _ => number.ToString("F0", CultureInfo.InvariantCulture),
        },
    };

    private IEnumerable<(Target Target, string Now)> TargetRows(IReadOnlyList<ScenarioReport> reports) =>
        Targets.All(options.InFlight[0]).Select(target =>
            (target, reports.FirstOrDefault(report => report.Name == target.Scenario) is { } report
                ? Format(report.Median(target.Key), target.Unit)
                : "not run"));

    private Dictionary<string, object> Settings() => new()
    {
        ["durationSeconds"] = options.Duration.TotalSeconds,
        ["warmupSeconds"] = options.Warmup.TotalSeconds,
        ["users"] = options.Users,
        ["inFlight"] = options.InFlight,
        ["ceilingConnections"] = options.CeilingConnections,
        ["chats"] = options.Chats,
        ["historyMessages"] = options.HistoryMessages,
        ["historySeedLimitSeconds"] = options.HistorySeedLimit.TotalSeconds,
        ["coldWindowSeconds"] = options.ColdWindow.TotalSeconds,
        ["connections"] = options.Connections,
        ["connectionUsers"] = options.ConnectionUsers,
        ["connectionsPerSourceAddress"] = options.ConnectionsPerSourceAddress,
        ["databases"] = options.Databases,
    };

    private string Header(string title) => string.Create(CultureInfo.InvariantCulture, $"""
        # {title}{(options.Smoke ? " (smoke run: tiny sizes, not figures)" : string.Empty)}

        - date: {machine.Date:yyyy-MM-dd HH:mm} UTC
        - commit: {machine.Commit}
        - machine: {machine}
        - {Durability}; {(options.DatabasePerShard ? $"one PostgreSQL per shard ({options.Databases}), the ceiling summed over them" : "one PostgreSQL for every shard")}
        - runs per scenario: {options.Runs}; every figure is the median over them, every ratio is taken within one run


        """);

    private static string ScenarioMarkdown(ScenarioReport report)
    {
        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"{report.Description}\n\n`{report.Command}`\n");
        if (report.Failure is not null)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"**Failed:** {report.Failure}\n");
        }

        var runs = Enumerable.Range(1, report.RunCount).ToList();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"| figure | {string.Join(" | ", runs.Select(run => $"run {run}"))} | median | note |");
        markdown.AppendLine(CultureInfo.InvariantCulture, $"| --- | {string.Join(" | ", runs.Select(_ => "---:"))} | ---: | --- |");
        foreach (var figure in report.Figures())
        {
            markdown.AppendLine(CultureInfo.InvariantCulture,
                $"| {figure.Label} | {string.Join(" | ", figure.Runs.Select(value => Format(value, figure.Unit)))} | **{Format(figure.Median, figure.Unit)}** | {figure.Note} |");
        }

        return markdown.ToString();
    }
}

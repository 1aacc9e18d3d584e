using System.Globalization;
using Spectre.Console;
using WhatsApp.Benchmarks.Cli;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Reporting;
using WhatsApp.Benchmarks.Scenarios;
using WhatsApp.Testing;

// The benchmark of the issue: one deployment started as ./run starts it, with PostgreSQL durable as shipped, driven only
// through the public contract; each scenario is prepared once and measured in several runs, figures are medians and
// ratios are taken within one run. Commands and the latest figures: docs/performance.md.
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args, Path.Combine(RepositoryLayout.Root, "artifacts", "benchmarks"));
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

var machine = await MachineInfo.DescribeAsync();
AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]WhatsApp on Orleans benchmark[/]{(options.Smoke ? " (smoke)" : string.Empty)}: {string.Join(", ", options.Scenarios)}; {options.Runs} run(s) each");
AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"machine: {machine}; commit {machine.Commit}");

var writer = new ReportWriter(options, machine);
var reports = new List<ScenarioReport>();
await using (var deployment = await ScenarioContext.MeasureAsync(
    $"starting PostgreSQL (durable{(options.DatabasePerShard ? ", one per shard" : string.Empty)}), Redis, 3 silos and a gateway",
    () => BenchmarkDeployment.StartAsync(options.DatabasePerShard, options.Smoke, options.Traced),
    started => $"gateway on {started.GatewayUrl}"))
await using (var context = new ScenarioContext(deployment, options))
{
    foreach (var name in options.Scenarios)
    {
        var scenario = Scenario.Named(name);
        var report = new ScenarioReport(scenario.Name, scenario.Description, scenario.Command + options.DeploymentArguments);
        AnsiConsole.Write(new Rule($"[bold]{scenario.Name}[/]").LeftJustified());
        try
        {
            await scenario.PrepareAsync(context);
            for (var run = 1; run <= options.Runs; run++)
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]run {run} of {options.Runs}[/]");
                report.AddRun(await scenario.RunOnceAsync(context));
            }
        }
        catch (Exception exception)
        {
            // One broken scenario must not cost the others' figures; the report and the exit code say it failed.
            report.Failure = $"{exception.GetType().Name}: {exception.Message}";
            AnsiConsole.WriteException(exception, ExceptionFormats.ShortenEverything);
        }
        finally
        {
            if (scenario is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        reports.Add(report);
        ReportWriter.ShowScenario(report);
        await writer.WriteScenarioAsync(report);
    }
}

if (reports.Count > 1)
{
    await writer.WriteSummaryAsync(reports);
}

writer.ShowTargets(reports);
AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"results in {options.OutputDirectory}");
return reports.Any(report => report.Failure is not null) ? 1 : 0;

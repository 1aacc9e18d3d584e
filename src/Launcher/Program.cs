using WhatsApp.Launcher.Control;
using WhatsApp.Launcher.Hosting;
using WhatsApp.Launcher.Plan;
using WhatsApp.Launcher.Stores;
using WhatsApp.Launcher.Supervision;

// ./run installs the prerequisites and builds; from the command line on, the run is this process's: it checks the
// ports, starts PostgreSQL and Redis, runs the hosts from a typed plan, says when all is ready, and on Ctrl-C stops the
// hosts, then Redis, then PostgreSQL.
if (LauncherCommandLine.Read(args, out var exitCode) is not { } options)
{
    return exitCode;
}

using var interrupted = LauncherCommandLine.CancelOnInterrupt();
var layout = new LocalLayout(options.Data);
var secrets = new Secrets(layout.Secrets);
await using var stores = new LocalStores(options, layout, secrets);
try
{
    await Preflight.CheckAsync(options, layout);
    await stores.StartAsync(interrupted.Token);
    var plan = LocalRunPlan.For(options, layout, stores, secrets);
    Progress.Step($"Silos ({options.Shards} shards), gateway on http://localhost:{options.GatewayPort}, web client on http://localhost:{options.ClientPort}");

    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
    builder.AddLauncherConsole();
    builder.AddClusterSupervision(plan);
    builder.AddControlEndpoint(plan);
    builder.AddReadinessReport(options, layout);

    await using var app = builder.Build();
    app.MapControlApi();
    await app.RunAsync(interrupted.Token);
    return Environment.ExitCode;
}
catch (LaunchFailedException failure)
{
    Progress.Fail(failure.Message);
    if (failure.Log is { } log)
    {
        Progress.Tail(log);
    }

    return 1;
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    return 0;
}

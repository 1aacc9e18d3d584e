using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using WhatsApp.Benchmarks.Cli;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Measurement;

namespace WhatsApp.Benchmarks.Scenarios;

/// <summary>What every scenario of one invocation shares: the deployment, the sizes, and the connected users.</summary>
public sealed class ScenarioContext(BenchmarkDeployment deployment, BenchmarkOptions options) : IAsyncDisposable
{
    private ConnectedUsers? _connectedUsers;
    private ResourceMeter? _resourceMeter;

    public BenchmarkDeployment Deployment { get; } = deployment;

    public BenchmarkOptions Options { get; } = options;

    /// <summary>The users of the throughput, latency and cold-start scenarios, registered and connected on first use.</summary>
    public async Task<ConnectedUsers> ConnectedUsersAsync() =>
        _connectedUsers ??= await ConnectedUsers.RegisterAsync(Deployment, Options.Users, "senders and recipients");

    /// <summary>What every load window costs the deployment: CPU time and Orleans messages, read around the window.</summary>
    public async Task<ResourceMeter> ResourceMeterAsync() => _resourceMeter ??= await ResourceMeter.CreateAsync(Deployment);

    /// <summary>
    /// The INSERT ceiling of this run, over the same duration as the windows it is compared with: with a database per
    /// shard, every database measured at once, each from the same number of connections, and summed, since the
    /// system writes to all of them at once too.
    /// </summary>
    public Task<double> CeilingAsync() => MeasureAsync(
        string.Create(CultureInfo.InvariantCulture,
            $"ceiling: single-row INSERTs from {Options.CeilingConnections} connections{(Deployment.System.Databases.Count > 1 ? $" to each of {Deployment.System.Databases.Count} databases" : string.Empty)}"),
        async () => (await Task.WhenAll(Deployment.System.Databases.Select(database =>
            InsertCeiling.InsertsPerSecondAsync(database.ConnectionString(), Options.CeilingConnections, Options.Duration)))).Sum(),
        inserts => string.Create(CultureInfo.InvariantCulture, $"{inserts:F0} INSERTs/s"));

    public async Task<LoadResult> LoadAsync(LoadShape shape)
    {
        // Outside the spinner: registering shows a progress bar of its own, and Spectre shows one live display at a time.
        var users = await ConnectedUsersAsync();
        var meter = await ResourceMeterAsync();
        return await MeasureAsync(
            $"sending: {shape}",
            () => SendLoad.RunAsync(Deployment, users, shape, meter),
            result => string.Create(CultureInfo.InvariantCulture,
                $"acked {result.AckedPerSecond:F0}/s, delivered {result.DeliveredPerSecond:F0}/s, send→delivery p99 {result.Delivery?.P99:F1} ms, errors {result.Errors}{CostPerSend(result.PerSend)}"));
    }

    public LoadShape ClosedLoop(SendChannel channel, int inFlight) => new(channel, inFlight, Options.Duration, Options.Warmup);

    /// <summary>Restarts every silo (the gateway stays); returns the seconds until the gateway sees them all again.</summary>
    public Task<double> RestartClusterAsync() => MeasureAsync(
        "restarting the whole cluster",
        async () =>
        {
            var clock = Stopwatch.StartNew();
            await Deployment.System.RestartClusterAsync();
            return clock.Elapsed.TotalSeconds;
        },
        seconds => string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s"));

    /// <summary>The cost of a send, for the line that reports a load window.</summary>
    public static string CostPerSend(ResourceUse? perSend) => perSend is null
        ? string.Empty
        : string.Create(CultureInfo.InvariantCulture,
            $"; per send: {perSend.OrleansMessages:F1} Orleans messages, {perSend.DeploymentCpuMilliseconds:F2} CPU ms (load generator {perSend.LoadGeneratorCpuMilliseconds:F2})");

    /// <summary>Runs one measured phase under a spinner and prints its outcome on a line of its own.</summary>
    public static async Task<T> MeasureAsync<T>(string description, Func<Task<T>> measure, Func<T, string> outcome)
    {
        var result = await AnsiConsole.Status().StartAsync(description, _ => measure());
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"  {description}: [bold]{outcome(result)}[/]");
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connectedUsers is not null)
        {
            await _connectedUsers.DisposeAsync();
        }
    }
}

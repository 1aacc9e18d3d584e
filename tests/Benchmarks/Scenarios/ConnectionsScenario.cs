using System.Globalization;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Spectre.Console;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Measurement;
using Microsoft.Diagnostics.NETCore.Client;
using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

public sealed class ConnectionsScenario : Scenario
{
    /// <summary>How long the connections sit idle before the second measurement, so the gateway's per-connection work is done.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public override string Name => "connections";

    public override string Description =>
        "Fresh users open many idle, authenticated hub connections: gateway managed heap (after a forced full GC) and RSS per connection, silo RSS per active user.";

    public const string GatewayRssKey = "gateway.rss-per-connection";

    public const string GatewayHeapKey = "gateway.heap-per-connection";

    public const string RenewalKey = "renewal", RenewalOneDownKey = "renewal.one-down";

    // The gateway's RSS before any idle connection of this scenario: the runtime keeps memory it once needed, so after
    // the first run the RSS before opening connections already holds them, and a per-run difference would show nothing.
    private long? _gatewayResidentBaseline;

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var deployment = context.Deployment;
        var options = context.Options;

        // Fresh users in every run: silo memory per active user counts grains that were not active before the run.
        var siloBefore = SiloResidentBytes(deployment);
        var users = await deployment.Api.RegisterUsersAsync(options.ConnectionUsers, "connection holders");
        var gatewayBefore = await GatewayMemory.MeasureAsync(deployment.GatewayProcessId);
        _gatewayResidentBaseline ??= gatewayBefore.ResidentBytes;

        var addresses = SourceAddress.ForConnections(options.Connections, options.ConnectionsPerSourceAddress);
        var connections = new HubConnection?[options.Connections];
        var connecting = Stopwatch.StartNew();
        try
        {
            var failed = 0;
            await Bulk.RunAsync($"opening {options.Connections} hub connections from {addresses.Count} source addresses", options.Connections, inFlight: 64, async index =>
            {
                try
                {
                    connections[index] = await ChatHubClient.ConnectAsync(
                        deployment.GatewayUrl, users[index % users.Length], source: addresses[index / options.ConnectionsPerSourceAddress]);
                }
                catch (Exception exception) when (exception is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException or HubException or TimeoutException)
                {
                    Interlocked.Increment(ref failed);
                }
            });
            var connectSeconds = connecting.Elapsed.TotalSeconds;
            var open = connections.Count(connection => connection?.State == HubConnectionState.Connected);
            await Task.Delay(Settle);
            var gatewayAfter = await GatewayMemory.MeasureAsync(deployment.GatewayProcessId);
            var siloAfter = SiloResidentBytes(deployment);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"  {open} connections open, {failed} failed; gateway RSS {_gatewayResidentBaseline.Value / 1e6:F0} → {gatewayAfter.ResidentBytes / 1e6:F0} MB");

            var figures = new FigureList();
            figures.Add("connections", "Idle hub connections open", Units.Count, open);
            figures.Add("failed", "Connections that failed to open", Units.Count, failed);
            figures.Add("users", "Users holding them", Units.Count, users.Length);
            figures.Add("connect-rate", "Connections opened", Units.PerSecond, options.Connections / connectSeconds);
            figures.Add("gateway.rss", "Gateway RSS with the connections open", Units.Megabytes, gatewayAfter.ResidentBytes / 1e6);
            figures.Add(GatewayRssKey, "Gateway RSS per connection", Units.Kilobytes, PerItemKilobytes(gatewayAfter.ResidentBytes - _gatewayResidentBaseline.Value, open),
                "RSS with the connections open minus the gateway's RSS before the first run opened any");
            figures.Add(GatewayHeapKey, "Gateway managed heap (after a full GC) per connection", Units.Kilobytes,
                gatewayAfter.HeapBytes is { } heapAfter && gatewayBefore.HeapBytes is { } heapBefore ? PerItemKilobytes(heapAfter - heapBefore, open) : null,
                gatewayAfter.HeapNote ?? gatewayBefore.HeapNote);
            figures.Add("silo.rss-per-user", "Silo RSS (all silos) per active user", Units.Kilobytes, PerItemKilobytes(siloAfter - siloBefore, users.Length),
                "registered and connected users; includes whatever else the silos allocated meanwhile");

            // Last, as it kills a silo (and starts it again): every user's subscription must be renewed well within
            // the silos' observer expiry, also while a silo is down.
            var renewal = await ScenarioContext.MeasureAsync(
                $"renewing {users.Length} users' subscriptions, with every silo up and then with one killed",
                () => ListenerRenewals.MeasureAsync(deployment, users.Length),
                result => string.Create(CultureInfo.InvariantCulture, $"{result.AllUpSeconds:F2} s, {result.OneDownSeconds:F2} s with a silo down"));
            figures.Add(RenewalKey, "Renewal of every connected user's subscription, every silo up", Units.Seconds, renewal.AllUpSeconds);
            figures.Add(RenewalOneDownKey, "The same right after a silo is killed (the slower of the two rounds after it)", Units.Seconds, renewal.OneDownSeconds);
            figures.Add("renewal.failed", "Renewals that failed in those two rounds (retried at the next)", Units.Count, renewal.FailedWithOneDown);
            return figures;
        }
        finally
        {
            await Bulk.RunAsync("closing the connections", connections.Length, inFlight: 64, async index =>
            {
                if (connections[index] is { } connection)
                {
                    await connection.DisposeAsync();
                }
            });
            foreach (var address in addresses)
            {
                address.Dispose();
            }
        }
    }

    private static long SiloResidentBytes(BenchmarkDeployment deployment) => deployment.SiloProcessIds.Sum(ProcessMemory.ResidentBytes);

    private static double? PerItemKilobytes(long bytes, int items) => items > 0 ? bytes / 1024.0 / items : null;

    /// <summary>The gateway's RSS, and its managed heap after a forced full collection when that could be measured.</summary>
    private sealed record GatewayMemory(long ResidentBytes, long? HeapBytes, string? HeapNote)
    {
        public static async Task<GatewayMemory> MeasureAsync(int processId)
        {
            try
            {
                // The heap first: the forced collection also returns memory, so the RSS read after it is the steadier one.
                var heap = await ManagedHeapProbe.BytesAfterFullCollectionAsync(processId);
                return new GatewayMemory(ProcessMemory.ResidentBytes(processId), heap, ManagedHeapProbe.Method);
            }
            catch (Exception exception) when (exception is TimeoutException or ServerNotAvailableException or UnsupportedCommandException or IOException)
            {
                return new GatewayMemory(ProcessMemory.ResidentBytes(processId), null, $"n/a: the gateway's diagnostics port did not answer ({exception.GetType().Name}: {exception.Message})");
            }
        }
    }
}

using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

public sealed class ThroughputScenario : Scenario
{
    public override string Name => "throughput";

    public override string Description =>
        "Random pairs of connected users send over REST and over the hub with a fixed number of sends in flight, then steady pairs over REST; each run also measures the INSERT ceiling.";

    public static string RestKey(int inFlight) => $"rest-{inFlight}";

    public const string AckedPerCeilingKey = "acked-per-ceiling";

    public const string DeliveredPerCeilingKey = "delivered-per-ceiling";

    public const string HubDeliveredPerCeilingKey = "hub.delivered-per-ceiling";

    public override async Task PrepareAsync(ScenarioContext context) => await context.ConnectedUsersAsync();

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var figures = new FigureList();
        var ceiling = await context.CeilingAsync();
        figures.Add("ceiling", $"INSERTs, {context.Options.CeilingConnections} connections", Units.PerSecond, ceiling);
        var bestHubDelivered = 0.0;
        foreach (var channel in new[] { SendChannel.Rest, SendChannel.Hub })
        {
            foreach (var inFlight in context.Options.InFlight)
            {
                var result = await context.LoadAsync(context.ClosedLoop(channel, inFlight));
                var prefix = $"{channel.ToString().ToLowerInvariant()}-{inFlight}";
                figures.AddLoad(prefix, $"{channel}, {inFlight} in flight", result);
                figures.AddRatio($"{prefix}.{AckedPerCeilingKey}", $"{channel}, {inFlight} in flight: acked ÷ ceiling", result.AckedPerSecond, ceiling);
                figures.AddRatio($"{prefix}.{DeliveredPerCeilingKey}", $"{channel}, {inFlight} in flight: delivered ÷ ceiling", result.DeliveredPerSecond, ceiling);
                if (channel == SendChannel.Hub)
                {
                    bestHubDelivered = Math.Max(bestHubDelivered, result.DeliveredPerSecond);
                }
            }
        }

        // The same REST load once every conversation is active: how much of a random-pair send is the new conversation.
        var inFlightSteady = context.Options.InFlight[0];
        var steady = await context.LoadAsync(context.ClosedLoop(SendChannel.Rest, inFlightSteady) with { Pairing = Pairing.Steady });
        var steadyPrefix = $"rest-{inFlightSteady}-steady";
        figures.AddLoad(steadyPrefix, $"Rest, {inFlightSteady} in flight, steady pairs", steady);
        figures.AddRatio($"{steadyPrefix}.{AckedPerCeilingKey}", $"Rest, {inFlightSteady} in flight, steady pairs: acked ÷ ceiling", steady.AckedPerSecond, ceiling);
        figures.AddRatio($"{steadyPrefix}.{DeliveredPerCeilingKey}", $"Rest, {inFlightSteady} in flight, steady pairs: delivered ÷ ceiling", steady.DeliveredPerSecond, ceiling);

        figures.AddRatio(HubDeliveredPerCeilingKey, "Hub: delivered ÷ ceiling (best in-flight level)", bestHubDelivered, ceiling);
        return figures;
    }
}

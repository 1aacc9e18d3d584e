using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

public sealed class LatencyScenario : Scenario
{
    public override string Name => "latency";

    public override string Description =>
        "The hub's maximum send rate with the most sends in flight, then sends at half that rate (paced, latency counted from when each send was due).";

    public const string HalfRatePrefix = "half";

    public override async Task PrepareAsync(ScenarioContext context) => await context.ConnectedUsersAsync();

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var inFlight = context.Options.InFlight.Max();
        var maximum = await context.LoadAsync(context.ClosedLoop(SendChannel.Hub, inFlight));
        var figures = new FigureList();
        figures.Add("max.acked", $"Hub, {inFlight} in flight: maximum acked sends", Units.PerSecond, maximum.AckedPerSecond);
        if (maximum.AckedPerSecond <= 0)
        {
            figures.Add($"{HalfRatePrefix}.delivery-p99", "Half the maximum rate: send→delivery p99", Units.Milliseconds, null, "no send was acknowledged at the maximum rate");
            return figures;
        }

        var halfRate = maximum.AckedPerSecond / 2;
        figures.Add("half.offered", "Half the maximum rate: offered", Units.PerSecond, halfRate);
        var paced = await context.LoadAsync(context.ClosedLoop(SendChannel.Hub, inFlight) with { RatePerSecond = halfRate });
        figures.AddLoad(HalfRatePrefix, "Half the maximum rate", paced);
        return figures;
    }
}

using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

public sealed class ColdStartScenario : Scenario
{
    public override string Name => "coldstart";

    public override string Description =>
        "REST sends between random connected users in a warm window, then a whole-cluster restart and the same window at once after it: cold ÷ warm.";

    public const string RatioKey = "ratio";

    public override async Task PrepareAsync(ScenarioContext context) => await context.ConnectedUsersAsync();

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var inFlight = context.Options.InFlight[0];
        var warmShape = new LoadShape(SendChannel.Rest, inFlight, context.Options.ColdWindow, context.Options.Warmup);
        var warm = await context.LoadAsync(warmShape);
        var restartSeconds = await context.RestartClusterAsync();

        // The cold window starts as soon as the gateway sees every silo again: every grain is still to be activated.
        var cold = await context.LoadAsync(warmShape with { Warmup = TimeSpan.Zero });

        var figures = new FigureList();
        figures.Add("restart", "Whole-cluster restart until the gateway sees every silo", Units.Seconds, restartSeconds);
        figures.AddLoad("warm", $"Warm, REST, {inFlight} in flight", warm);
        figures.AddLoad("cold", $"First {context.Options.ColdWindow.TotalSeconds:F0} s after the restart", cold);
        figures.AddRatio(RatioKey, "Acked sends, cold ÷ warm", cold.AckedPerSecond, warm.AckedPerSecond);
        figures.AddRatio("delivered-ratio", "Delivered sends, cold ÷ warm", cold.DeliveredPerSecond, warm.DeliveredPerSecond);
        return figures;
    }
}

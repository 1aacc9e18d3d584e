using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

/// <summary>Messages into groups of 64 connected members: each is stored once and delivered to every member's connection.</summary>
public sealed class GroupScenario : Scenario
{
    private IReadOnlyList<BenchmarkGroup> _groups = [];

    public override string Name => "groups";

    public override string Description =>
        "Members send to their groups over REST with a fixed number of sends in flight; every member is connected, so each message is one delivery per member but its sender. Each run also measures the INSERT ceiling.";

    public override async Task PrepareAsync(ScenarioContext context)
    {
        // Creating shows a progress bar of its own (Spectre shows one live display at a time).
        var users = await context.ConnectedUsersAsync();
        _groups = await GroupLoad.CreateAsync(context.Deployment, users, context.Options.Groups, Math.Min(context.Options.GroupMembers, users.Count));
    }

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var figures = new FigureList();
        var ceiling = await context.CeilingAsync();
        figures.Add("ceiling", $"INSERTs, {context.Options.CeilingConnections} connections", Units.PerSecond, ceiling);
        var users = await context.ConnectedUsersAsync();
        var inFlight = context.Options.InFlight[0];
        var members = _groups[0].Members.Count;
        var meter = await context.ResourceMeterAsync();
        var result = await ScenarioContext.MeasureAsync(
            $"sending to groups of {members}, {inFlight} in flight",
            () => GroupLoad.RunAsync(context.Deployment, users, _groups, inFlight, context.Options.Duration, context.Options.Warmup, meter),
            load => $"acked {load.AckedPerSecond:F0}/s, deliveries {load.DeliveriesPerSecond:F0}/s, send→delivery p99 {load.Delivery?.P99:F1} ms, missing {load.Missing}{ScenarioContext.CostPerSend(load.PerSend)}");
        var label = $"Groups of {members}, {inFlight} in flight";
        figures.Add("groups.acked", $"{label}: acked sends", Units.PerSecond, result.AckedPerSecond);
        figures.Add("groups.deliveries", $"{label}: deliveries (one per member's connection)", Units.PerSecond, result.DeliveriesPerSecond);
        figures.AddLatencies("groups.ack", $"{label}: send→ack", result.Ack);
        figures.AddLatencies("groups.delivery", $"{label}: send→each member's delivery", result.Delivery);
        figures.Add("groups.errors", $"{label}: errors", Units.Count, result.Errors);
        figures.Add("groups.missing", $"{label}: deliveries missing 10 s after the window", Units.Count, result.Missing);
        figures.AddRatio("groups.acked-per-ceiling", $"{label}: acked ÷ ceiling", result.AckedPerSecond, ceiling);
        figures.AddRatio("groups.deliveries-per-ceiling", $"{label}: deliveries ÷ ceiling", result.DeliveriesPerSecond, ceiling);
        figures.AddCostPerSend("groups", label, result.PerSend);
        return figures;
    }
}

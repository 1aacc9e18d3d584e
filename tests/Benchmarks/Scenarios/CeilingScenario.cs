using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

public sealed class CeilingScenario : Scenario
{
    public override string Name => "ceiling";

    public override string Description => "Single-row INSERTs of a message-sized row, each its own durable commit, from 32 connections into the deployment's PostgreSQL.";

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context) =>
        [new Figure("ceiling", $"INSERTs, {context.Options.CeilingConnections} connections", Units.PerSecond, await context.CeilingAsync())];
}

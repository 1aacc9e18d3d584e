using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

public sealed class IdleScenario : Scenario, IAsyncDisposable
{
    private ChatUser? _sender;
    private ChatUser? _recipient;
    private HubConnection? _recipientConnection;

    public override string Name => "idle";

    public override string Description => "One sender, one connected recipient, one REST send at a time: send→201 on an otherwise idle system.";

    public override async Task PrepareAsync(ScenarioContext context)
    {
        _sender = await context.Deployment.Api.RegisterAsync();
        _recipient = await context.Deployment.Api.RegisterAsync();
        _recipientConnection = await ChatHubClient.ConnectAsync(context.Deployment.GatewayUrl, _recipient);
    }

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var lane = new SendLane(_sender!, _recipient!.Id);
        var result = (await ScenarioContext.MeasureAsync("idle sends", () => SequentialSends.RunAsync(context.Deployment.Api, [lane], context.Options.Duration),
            lanes => $"p50 {lanes[0].Latency?.P50:F2} ms"))[0];
        var figures = new FigureList();
        figures.AddLatencies("send", "REST send→201", result.Latency);
        figures.Add("sends", "Sends measured", Units.Count, result.Latency?.Count ?? 0);
        figures.Add("errors", "Errors", Units.Count, result.Errors);
        return figures;
    }

    public async ValueTask DisposeAsync()
    {
        if (_recipientConnection is not null)
        {
            await _recipientConnection.DisposeAsync();
        }
    }
}

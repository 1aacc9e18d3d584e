using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

public sealed class GrowthScenario : Scenario
{
    private ChatUser? _grown;
    private readonly List<ChatUser> _peers = [];

    public override string Name => "growth";

    public override string Description =>
        "A user with many chats and a fresh user send one at a time, in turn, each to a one-chat peer: the ratio of their send p50s.";

    public const string RatioKey = "ratio";

    public override async Task PrepareAsync(ScenarioContext context)
    {
        var api = context.Deployment.Api;
        var chats = context.Options.Chats;
        _grown = await api.RegisterAsync();
        var peers = await api.RegisterUsersAsync(chats, "chat partners");
        _peers.AddRange(peers);
        await Bulk.RunAsync($"opening {chats} chats", chats, inFlight: 32, index => api.SendAsync(_grown, peers[index].Id, MessageContent.Of(index), $"chat-{index}"));
    }

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var api = context.Deployment.Api;
        var fresh = await api.RegisterAsync();
        var freshPeer = await api.RegisterAsync();
        var lanes = await ScenarioContext.MeasureAsync("sends of the grown user and of a fresh one, in turn",
            () => SequentialSends.RunAsync(api, [new SendLane(_grown!, _peers[0].Id), new SendLane(fresh, freshPeer.Id)], context.Options.Duration),
            result => $"p50 {result[0].Latency?.P50:F2} ms vs {result[1].Latency?.P50:F2} ms");
        var figures = new FigureList();
        figures.Add("chats", "Chats of the grown user", Units.Count, _peers.Count);
        figures.AddLatencies("grown", "User with many chats: send→201", lanes[0].Latency);
        figures.AddLatencies("fresh", "Fresh user: send→201", lanes[1].Latency);
        figures.AddRatio(RatioKey, "Send p50, many chats ÷ fresh", lanes[0].Latency?.P50, lanes[1].Latency?.P50);
        figures.Add("errors", "Errors", Units.Count, lanes.Sum(lane => lane.Errors));
        return figures;
    }
}

using System.Diagnostics;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;

namespace WhatsApp.Benchmarks.Scenarios;

public sealed class HistoryScenario : Scenario
{
    private ChatUser? _longSender;
    private ChatUser? _longRecipient;
    private ChatUser? _bystander;
    private int _length;

    public override string Name => "history";

    public override string Description =>
        "Sends into a long conversation and into a new one, one at a time in turn; then a whole-cluster restart and the first read of each (its activation).";

    public const string RatioKey = "ratio";

    public override async Task PrepareAsync(ScenarioContext context)
    {
        var api = context.Deployment.Api;
        _longSender = await api.RegisterAsync();
        _longRecipient = await api.RegisterAsync();
        _bystander = await api.RegisterAsync();

        // Many sends in flight into one conversation, each with its own clientMessageId: a storage that batches what
        // queues up for a conversation fills it fast; the time box keeps a slower one from stalling the benchmark.
        var target = context.Options.HistoryMessages;
        await Bulk.RunAsync($"filling a conversation with {target} messages", target, inFlight: 256, async index =>
        {
            if (await api.SendAsync(_longSender, _longRecipient.Id, MessageContent.Of(index), $"fill-{index}"))
            {
                Interlocked.Increment(ref _length);
            }
        }, context.Options.HistorySeedLimit);
    }

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var api = context.Deployment.Api;
        var newSender = await api.RegisterAsync();
        var newRecipient = await api.RegisterAsync();
        var lanes = await ScenarioContext.MeasureAsync("sends into the long conversation and into a new one, in turn",
            () => SequentialSends.RunAsync(api, [new SendLane(_longSender!, _longRecipient!.Id), new SendLane(newSender, newRecipient.Id)], context.Options.Duration),
            result => $"p50 {result[0].Latency?.P50:F2} ms vs {result[1].Latency?.P50:F2} ms");

        await context.RestartClusterAsync();

        // A first request that touches neither conversation, so both timed reads find the gateway's cluster client ready.
        await api.LookUpAsync(_bystander!, _bystander!.Id);
        var longActivation = await TimeFirstReadAsync(api, _longSender!, _longRecipient!.Id);
        var newActivation = await TimeFirstReadAsync(api, newSender, newRecipient.Id);

        var figures = new FigureList();
        figures.Add("messages", "Messages in the long conversation (seeded)", Units.Count, _length);
        figures.AddLatencies("long", "Long conversation: send→201", lanes[0].Latency);
        figures.AddLatencies("new", "New conversation: send→201", lanes[1].Latency);
        figures.AddRatio(RatioKey, "Send p50, long ÷ new conversation", lanes[0].Latency?.P50, lanes[1].Latency?.P50);
        figures.Add("errors", "Errors", Units.Count, lanes.Sum(lane => lane.Errors));
        figures.Add("long.activation", "After a restart: first read of the long conversation", Units.Milliseconds, longActivation, longActivation is null ? "the read failed" : null);
        figures.Add("new.activation", "After a restart: first read of the new conversation", Units.Milliseconds, newActivation, newActivation is null ? "the read failed" : null);
        figures.AddRatio("activation-ratio", "First read after a restart, long ÷ new", longActivation, newActivation);
        return figures;
    }

    private static async Task<double?> TimeFirstReadAsync(ChatApi api, ChatUser reader, long peerId)
    {
        var started = Stopwatch.GetTimestamp();
        return await api.ReadHistoryAsync(reader, peerId) ? Stopwatch.GetElapsedTime(started).TotalMilliseconds : null;
    }
}

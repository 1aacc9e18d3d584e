using System.Globalization;
using System.Net.Http.Json;
using Spectre.Console;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Scenarios;

/// <summary>
/// People chat (1:1 and in groups, retrying as the web client does) and hub clients come and go while faults strike
/// one at a time: a silo killed and started again, PostgreSQL (or one shard's database) stopped for a while, Redis
/// frozen, the gateway killed and started again. After each fault the next waits until the system is whole. At the end
/// every acknowledged message must be stored once, every conversation gapless, and no process may have exited that was
/// not killed; per kind of fault it reports how long until every conversation's sends were acknowledged again, and the
/// attempts refused meanwhile.
/// </summary>
public sealed class ChaosScenario : Scenario
{
    private static readonly TimeSpan WholeBound = TimeSpan.FromMinutes(3);
    private static readonly string[] Kinds = ["silo", "database", "redis", "gateway"];

    private readonly List<ChatTarget> _targets = [];
    private readonly List<ChatUser> _hubUsers = [];

    public override string Name => "chaos";

    public override string Description =>
        "Senders in 1:1 chats and groups (one message at a time each, retried with its clientMessageId) and hub clients " +
        "that reconnect every few seconds, while one fault at a time strikes at random intervals of 20 to 60 s: a silo " +
        "killed and restarted, PostgreSQL (or one shard's database) stopped 5 to 15 s, Redis frozen 10 to 40 s, the gateway " +
        "killed and restarted. Smoke: one fault of each kind in about a minute.";

    public override async Task PrepareAsync(ScenarioContext context)
    {
        var api = context.Deployment.Api;
        var users = await api.RegisterUsersAsync(context.Options.Smoke ? 16 : 48, "people who chat through the faults");
        var half = users.Length / 2;
        for (var i = 0; i + 1 < half; i += 2)
        {
            _targets.Add(ChatTarget.Direct(users[i], users[i + 1].Id));
        }

        // Groups of members on every shard; a few of them send.
        var members = users.Skip(half).ToList();
        foreach (var group in members.Chunk(8))
        {
            var groupId = await api.CreateGroupAsync(group[0], "Chaos", [.. group.Skip(1).Select(member => member.Id)]);
            _targets.AddRange(group.Take(3).Select(member => ChatTarget.Group(member, groupId)));
        }

        _hubUsers.AddRange(users.Take(context.Options.Smoke ? 4 : 16));
    }

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var system = context.Deployment.System;
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"  chaos seed {seed}, for {context.Options.ChaosDuration.TotalSeconds:F0} s");
        var killed = new HashSet<HostProcess>();
        var faults = new List<Fault>();
        await using var senders = RetryingSenders.Start(context.Deployment.Api, _targets, "chaos");
        await using (var hubs = HubChurn.Start(context.Deployment.GatewayUrl, _hubUsers, random.Next()))
        {
            var schedule = Schedule(context.Options, random);
            foreach (var kind in schedule.TakeWhile(_ => context.Options.Smoke || senders.Now < context.Options.ChaosDuration))
            {
                await Task.Delay(context.Options.Smoke ? TimeSpan.FromSeconds(3) : Between(random, 20, 60));
                faults.Add(await StrikeAsync(kind, context, senders, killed, random));
                await WaitUntilWholeAsync(context.Deployment.GatewayUrl, kind);
                AssertNothingExited(system, killed);
            }

            await senders.StopAsync();
            faults.ForEach(fault => fault.CountRefusals(senders.Attempts));
            var figures = new FigureList();
            await VerifyAsync(context.Deployment.Api, senders.Sends, figures);
            figures.Add("exited", "Processes that exited without being killed", Units.Count, Exited(system, killed).Count);
            figures.Add("hub.connects", "Hub connections opened by clients that come and go", Units.Count, hubs.Connects);
            figures.Add("hub.refused", "Hub connections that failed to open (most while the gateway was down)", Units.Count, hubs.Failures);
            foreach (var kind in Kinds)
            {
                var ofKind = faults.Where(fault => fault.Kind == kind).ToList();
                figures.Add($"{kind}.faults", $"Faults: {Describe(kind)}", Units.Count, ofKind.Count);
                figures.Add($"{kind}.recovered", $"Longest wait, {Describe(kind)}, until every conversation had a send acknowledged that started after it struck", Units.Seconds,
                    ofKind.Count == 0 ? null : ofKind.Max(fault => fault.Recovered.TotalSeconds));
                figures.Add($"{kind}.refused", $"Attempts refused while it lasted ({Describe(kind)})", Units.Count, ofKind.Sum(fault => fault.Refused),
                    ofKind.Count == 0 ? null : string.Join("; ", ofKind.Select(fault => fault.ToString())));
            }

            return figures;
        }
    }

    private static string Describe(string kind) => kind switch
    {
        "silo" => "a silo killed and restarted",
        "database" => "PostgreSQL stopped and started",
        "redis" => "Redis frozen and thawed",
        _ => "the gateway killed and restarted",
    };

    /// <summary>Smoke: each kind once. Otherwise every kind once per round, in a random order, for as long as it runs.</summary>
    private static IEnumerable<string> Schedule(Cli.BenchmarkOptions options, Random random)
    {
        if (options.Smoke)
        {
            foreach (var kind in Kinds)
            {
                yield return kind;
            }

            yield break;
        }

        while (true)
        {
            foreach (var kind in Kinds.OrderBy(_ => random.Next()))
            {
                yield return kind;
            }
        }
    }

    private async Task<Fault> StrikeAsync(string kind, ScenarioContext context, RetryingSenders senders, HashSet<HostProcess> killed, Random random)
    {
        var system = context.Deployment.System;
        var smoke = context.Options.Smoke;
        var shard = random.Next(ChatSystem.ShardCount);
        var database = system.Databases[system.Databases.Count > 1 ? shard : 0];
        (string What, Func<Task> Strike, TimeSpan Hold, Func<Task> Repair) fault = kind switch
        {
            "silo" => ($"killed shard {shard}'s silo", () => KillAsync(system.SiloOf(shard), killed), smoke ? TimeSpan.FromSeconds(3) : Between(random, 5, 15),
                () => Task.FromResult(system.StartSilo(shard))),
            "database" => (system.Databases.Count > 1 ? $"stopped shard {shard}'s database" : "stopped PostgreSQL", database.StopServerAsync,
                smoke ? TimeSpan.FromSeconds(5) : Between(random, 5, 15), database.StartServerAsync),
            "redis" => ("froze Redis", system.Redis.FreezeAsync, smoke ? TimeSpan.FromSeconds(10) : Between(random, 10, 40), system.Redis.ThawAsync),
            _ => ("killed the gateway", () => KillAsync(system.Gateways[0], killed), TimeSpan.Zero, () => system.StartGatewayAgainAsync(0)),
        };

        // The clock starts once the fault has taken hold: a send started before that may still have been served.
        await fault.Strike();
        var struckAt = senders.Now;
        var repairedAt = await ScenarioContext.MeasureAsync($"{fault.What}: restoring it after {fault.Hold.TotalSeconds:F0} s", async () =>
        {
            await Task.Delay(fault.Hold);
            await fault.Repair();
            return senders.Now;
        }, repaired => $"{(repaired - struckAt).TotalSeconds:F1} s");

        var recovered = await ScenarioContext.MeasureAsync($"{fault.What}: waiting for every conversation to be acknowledged again",
            () => EveryTargetAcknowledgedAfterAsync(senders, struckAt),
            seconds => $"{seconds.TotalSeconds:F2} s after it struck");
        return new Fault(kind, struckAt, repairedAt, recovered);
    }

    private static async Task KillAsync(HostProcess host, HashSet<HostProcess> killed)
    {
        killed.Add(host);
        await host.KillAsync();
    }

    /// <summary>How long after <paramref name="moment"/> every target had a send acknowledged that started after it.</summary>
    private async Task<TimeSpan> EveryTargetAcknowledgedAfterAsync(RetryingSenders senders, TimeSpan moment)
    {
        TimeSpan? Latest()
        {
            var firsts = senders.Sends.Where(send => send.Started > moment).GroupBy(send => send.Target).Select(sends => sends.Min(send => send.Acknowledged)).ToList();
            return firsts.Count == _targets.Count ? firsts.Max() - moment : null;
        }

        return (await Eventually.ReturnsAsync(() => Task.FromResult(Latest()), latest => latest is not null, WholeBound, "every conversation acknowledged again"))!.Value;
    }

    /// <summary>Whole again: the gateway answers "ok" with every silo active. The next fault waits for it.</summary>
    private static async Task WaitUntilWholeAsync(Uri gateway, string after)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(10) };
        await ScenarioContext.MeasureAsync($"after the {after} fault: waiting for the whole system", async () =>
        {
            await Eventually.ReturnsAsync(
                () => http.GetFromJsonAsync<Health>("/healthz"), health => health is { Status: "ok", ActiveSilos: ChatSystem.ShardCount }, WholeBound,
                $"the system whole again after the {after} fault");
            return true;
        }, _ => "whole");
    }

    /// <summary>Reads every conversation back: each acknowledged clientMessageId stored once, sequences without a gap.</summary>
    private static async Task VerifyAsync(ChatApi api, IReadOnlyList<AcknowledgedSend> sends, FigureList figures)
    {
        var (lost, duplicated, gaps) = (0, 0, 0);
        foreach (var conversation in await ScenarioContext.MeasureAsync("reading every conversation back", async () =>
            await Task.WhenAll(sends.Select(send => send.Target).Distinct().GroupBy(target => ConversationOf(target)).Select(async targets =>
            {
                var target = targets.First();
                var stored = await api.ReadWholeHistoryAsync(target.Sender, target.PeerId, target.GroupId);
                return (Targets: targets.ToHashSet(), Stored: stored);
            })), read => $"{read.Length} conversations"))
        {
            var ids = conversation.Stored.Where(message => message.ClientMessageId is not null).GroupBy(message => message.ClientMessageId!).ToDictionary(group => group.Key, group => group.Count());
            foreach (var send in sends.Where(send => conversation.Targets.Contains(send.Target)))
            {
                var count = ids.GetValueOrDefault(send.ClientMessageId);
                lost += count == 0 ? 1 : 0;
                duplicated += Math.Max(0, count - 1);
            }

            var sequences = conversation.Stored.Select(message => message.Sequence).ToList();
            gaps += sequences.Count == 0 ? 0 : (int)(sequences[^1] - sequences.Count);
        }

        figures.Add("sends", "Sends acknowledged in the run", Units.Count, sends.Count);
        figures.Add("lost", "Acknowledged but not stored", Units.Count, lost);
        figures.Add("duplicated", "Stored more than once", Units.Count, duplicated);
        figures.Add("gaps", "Sequences missing in the conversations", Units.Count, gaps);
    }

    /// <summary>Who shares a conversation: a group's senders, or the two people of a pair.</summary>
    private static string ConversationOf(ChatTarget target) => target.GroupId is { } group
        ? $"g{group}"
        : $"{Math.Min(target.Sender.Id, target.PeerId!.Value)}-{Math.Max(target.Sender.Id, target.PeerId.Value)}";

    private static List<HostProcess> Exited(ChatSystem system, HashSet<HostProcess> killed) =>
        [.. system.Silos.Concat(system.Gateways).Where(host => host.HasExited && !killed.Contains(host))];

    private static void AssertNothingExited(ChatSystem system, HashSet<HostProcess> killed)
    {
        if (Exited(system, killed) is [var first, ..] exited)
        {
            throw new InvalidOperationException($"{string.Join(", ", exited.Select(host => host.Name))} exited without being killed:\n{first.Output}");
        }
    }

    private static TimeSpan Between(Random random, int fromSeconds, int toSeconds) => TimeSpan.FromSeconds(fromSeconds + (random.NextDouble() * (toSeconds - fromSeconds)));

    private sealed record Health(string Status, int ActiveSilos);

    /// <summary>One fault: when it struck, when it was undone, and how long until every conversation was served again.</summary>
    private sealed class Fault(string kind, TimeSpan struckAt, TimeSpan repairedAt, TimeSpan recovered)
    {
        public string Kind { get; } = kind;

        public TimeSpan Recovered { get; } = recovered;

        /// <summary>Attempts started while it lasted that were not acknowledged (503s, and no answer while the gateway was down).</summary>
        public int Refused { get; private set; }

        public void CountRefusals(IReadOnlyList<SendAttempt> attempts) =>
            Refused = attempts.Count(attempt => attempt.Started >= struckAt && attempt.Started < repairedAt && !attempt.Acknowledged);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"at {struckAt.TotalSeconds:F0} s for {(repairedAt - struckAt).TotalSeconds:F1} s: every conversation served again after {Recovered.TotalSeconds:F2} s, {Refused} refused");
    }

    /// <summary>Hub clients that connect, stay a few seconds and leave, again and again, as tabs and phones do.</summary>
    private sealed class HubChurn : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private List<Task> _clients = [];
        private int _connects;
        private int _failures;

        public int Connects => _connects;

        public int Failures => _failures;

        public static HubChurn Start(Uri gateway, IReadOnlyList<ChatUser> users, int seed)
        {
            var churn = new HubChurn();
            churn._clients = [.. users.Select((user, i) => churn.ComeAndGoAsync(gateway, user, new Random(seed + i)))];
            return churn;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients);
            _stop.Dispose();
        }

        private async Task ComeAndGoAsync(Uri gateway, ChatUser user, Random random)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await using var connection = await ChatHubClient.ConnectAsync(gateway, user);
                    Interlocked.Increment(ref _connects);
                    await Task.Delay(Between(random, 2, 8), _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref _failures);
                    await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                }
            }
        }
    }
}

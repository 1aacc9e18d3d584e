using System.Globalization;
using System.Net;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Reporting;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Scenarios;

/// <summary>
/// Faults while people chat on one shard: its silo killed and started again, then its database stopped and started
/// again. What a user of that shard sees (how long sends wait, how fast a refusal comes), how long until the grains are
/// home, and that no acknowledged message was lost or stored twice. The fault tests check that the system recovers;
/// the timings live here.
/// </summary>
public sealed class FailoverScenario : Scenario
{
    public const int Shard = 1;
    public const string UnservedKey = "unserved";
    public const string SlowestRefusalKey = "database.slowest-refusal";

    private static readonly TimeSpan RecoveryBound = TimeSpan.FromMinutes(2);

    private readonly List<(ChatUser Sender, ChatUser Recipient)> _pairs = [];

    public override string Name => "failover";

    public override string Description =>
        $"Senders chat in conversations of shard {Shard}, one message at a time each, retrying with the same clientMessageId as a client does; " +
        "the shard's silo is killed (SIGKILL) and started again, then the shard's database is stopped and started again.";

    /// <summary>Pairs whose conversation lives on the faulted shard (its lower id's shard).</summary>
    public override async Task PrepareAsync(ScenarioContext context)
    {
        var wanted = context.Options.Smoke ? 4 : 32;
        while (_pairs.Count < wanted)
        {
            var users = (await context.Deployment.Api.RegisterUsersAsync(wanted * 4, "senders on the shard to fault")).OrderBy(user => user.Id).ToList();
            var lower = users.Where(user => user.Id % ChatSystem.ShardCount == Shard).ToList();
            var higher = new Queue<ChatUser>(users.Except(lower).Reverse());
            foreach (var sender in lower)
            {
                if (_pairs.Count < wanted && higher.TryPeek(out var recipient) && recipient.Id > sender.Id)
                {
                    _pairs.Add((sender, higher.Dequeue()));
                }
            }
        }
    }

    public override async Task<FigureList> RunOnceAsync(ScenarioContext context)
    {
        var api = context.Deployment.Api;
        var storedBefore = await StoredAsync(api);
        await using var traffic = RetryingSenders.Start(api, _pairs.Select(pair => ChatTarget.Direct(pair.Sender, pair.Recipient.Id)), "failover");
        var window = context.Options.Smoke ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        var before = await traffic.CountAsync("sends before the kill", window);

        var figures = new FigureList();
        await KillAndStartSiloAsync(context, traffic, window, figures);
        await StopAndStartDatabaseAsync(context, traffic, window, figures);

        await traffic.StopAsync();
        var (lost, duplicated) = Compare(storedBefore, await StoredAsync(api), traffic.Sends);
        figures.Add("longest-wait", "Longest wait of one send, first attempt to acknowledgement", Units.Seconds, traffic.Sends.Max(send => send.Acknowledged - send.Started).TotalSeconds);
        figures.Add("acked-before", "Acknowledged sends/s before the faults", Units.PerSecond, before);
        figures.Add("sends", "Sends acknowledged in the run", Units.Count, traffic.Sends.Count);
        figures.Add("lost", "Acknowledged but not stored", Units.Count, lost);
        figures.Add("duplicated", "Stored more often than sent", Units.Count, duplicated);
        return figures;
    }

    private async Task KillAndStartSiloAsync(ScenarioContext context, RetryingSenders traffic, TimeSpan window, FigureList figures)
    {
        var system = context.Deployment.System;

        // Taken once the process is gone: a send that started while it was dying may still have been served by it.
        await system.SiloOf(Shard).KillAsync();
        var killedAt = traffic.Now;
        var unserved = await ScenarioContext.MeasureAsync(
            $"killed shard {Shard}'s silo: waiting for a send started after the kill to be acknowledged",
            () => FirstAcknowledgementAfterAsync(traffic, killedAt, "a send to the killed shard acknowledged"),
            seconds => $"{seconds.TotalSeconds:F2} s");
        await traffic.CountAsync("sends served by the fallback silo", window);

        // Home is each conversation saying so in the log of the silo that served it meanwhile (event 1003).
        var survivors = system.RunningSilos.Select(silo => (Silo: silo, Since: silo.Output.Length)).ToList();
        var startedAt = traffic.Now;
        system.StartSilo(Shard);
        var home = await ScenarioContext.MeasureAsync(
            $"started shard {Shard}'s silo: waiting for its {_pairs.Count} conversations to migrate home",
            async () =>
            {
                await Eventually.ReturnsAsync(
                    () => Task.FromResult(_pairs.All(pair => survivors.Any(survivor => survivor.Silo.Output[survivor.Since..].Contains(
                        $"conversation/{pair.Sender.Id}-{pair.Recipient.Id}'s shard is back", StringComparison.Ordinal)))),
                    home => home, RecoveryBound, "every conversation migrated home");
                return traffic.Now - startedAt;
            },
            seconds => $"{seconds.TotalSeconds:F2} s");
        await traffic.CountAsync("sends after they are home", window);

        figures.Add(UnservedKey, $"Silo gone to the first acknowledgement of a send started after it (shard {Shard})", Units.Seconds, unserved.TotalSeconds);
        figures.Add("home", "Silo started to every conversation migrated home to it", Units.Seconds, home.TotalSeconds);
    }

    /// <summary>The shard's database (the only one, or the shard's own) stopped for a while: sends are refused at once, then recover.</summary>
    private static async Task StopAndStartDatabaseAsync(ScenarioContext context, RetryingSenders traffic, TimeSpan window, FigureList figures)
    {
        var databases = context.Deployment.System.Databases;
        var database = databases[databases.Count > 1 ? Shard : 0];
        await database.StopServerAsync();
        var stoppedAt = traffic.Now;
        await traffic.CountAsync("sends while the database is down", window * 2);
        await database.StartServerAsync();

        var backAt = traffic.Now;
        var recovered = await ScenarioContext.MeasureAsync(
            "started the database again: waiting for a send started after it to be acknowledged",
            () => FirstAcknowledgementAfterAsync(traffic, backAt, "a send acknowledged after the database returned"),
            seconds => $"{seconds.TotalSeconds:F2} s");
        await traffic.CountAsync("sends after the database is back", window);

        // Every attempt started while it was down, however it ended: one that hung until the database came back shows here.
        var duringOutage = traffic.Attempts.Where(attempt => attempt.Started > stoppedAt && attempt.Started < backAt).ToList();
        var refusals = duringOutage.Where(attempt => attempt.Status == HttpStatusCode.ServiceUnavailable).ToList();
        figures.Add("database.attempts", "Attempts started while the database was down", Units.Count, duringOutage.Count);
        var others = string.Join(", ", duringOutage.Except(refusals).GroupBy(attempt => attempt.Status).OrderBy(group => group.Key)
            .Select(group => $"{group.Count()} {(group.Key is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : "without an answer")}"));
        figures.Add("database.refused", "Of them answered 503", Units.Count, refusals.Count, others.Length == 0 ? null : $"the others: {others}");
        figures.Add(SlowestRefusalKey, "Slowest answer to an attempt started while the database was down", Units.Milliseconds,
            duringOutage.Count == 0 ? null : duringOutage.Max(attempt => attempt.Ended - attempt.Started).TotalMilliseconds);
        figures.Add("database.recovered", "Database started to the first acknowledgement of a send started after it", Units.Seconds, recovered.TotalSeconds);
    }

    private static async Task<TimeSpan> FirstAcknowledgementAfterAsync(RetryingSenders traffic, TimeSpan moment, string what) =>
        (await Eventually.ReturnsAsync(() => Task.FromResult(traffic.FirstAcknowledgementOfASendStartedAfter(moment)), first => first is not null, RecoveryBound, what))!.Value;

    /// <summary>The newest sequence of every pair's conversation.</summary>
    private async Task<long[]> StoredAsync(ChatApi api) =>
        await Task.WhenAll(_pairs.Select(pair => api.LastSequenceAsync(pair.Sender, pair.Recipient.Id)));

    /// <summary>What each conversation stored in this run against what its sender had acknowledged: sequences have no
    /// gaps, so the two must match.</summary>
    private (int Lost, int Duplicated) Compare(long[] storedBefore, long[] storedAfter, IReadOnlyList<AcknowledgedSend> sends)
    {
        var (lost, duplicated) = (0, 0);
        for (var i = 0; i < _pairs.Count; i++)
        {
            var stored = storedAfter[i] - storedBefore[i];
            var acknowledged = sends.Count(send => send.Target.Sender == _pairs[i].Sender);
            lost += (int)Math.Max(0, acknowledged - stored);
            duplicated += (int)Math.Max(0, stored - acknowledged);
        }

        return (lost, duplicated);
    }
}

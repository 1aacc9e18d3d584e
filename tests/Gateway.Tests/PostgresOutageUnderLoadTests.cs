using System.Globalization;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>PostgreSQL, or one shard's database, stopped while clients send, then started again: each test has a system of its own.</summary>
public sealed class PostgresOutageUnderLoadTests(ITestOutputHelper output)
{
    // How fast a refusal comes during an outage is a figure of the benchmark's failover scenario; these tests check what
    // the answers are and that nothing acknowledged is lost.
    // Durable as shipped: a relaxed server stopped at once loses its last commits, acknowledged or not.
    [Fact(Timeout = 600_000)]
    public Task Postgres_Stopped10sMidLoad_SendsAreRefusedWith503AndRetryAfterThenRecoverWithNothingLost() => FaultLoad.RunAsync(
        output, new ChatLoadPlan(Messages: 2500, MessagesPerSecond: 100), acknowledgedBeforeTheFault: 300, durability: PostgresDurability.AsShipped,
        faultAndChecks: async (system, load) =>
        {
            var (stoppedAt, startedAt) = await FaultLoad.OutageAsync(load, system.Postgres.StopServerAsync, TimeSpan.FromSeconds(10), system.Postgres.StartServerAsync);

            await load.VerifyAsync();
            var duringOutage = load.Attempts.Where(attempt => attempt.Started > stoppedAt + TimeSpan.FromSeconds(1) && attempt.Ended < startedAt).ToList();
            var refused = duringOutage.Where(attempt => attempt.Status == 503).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"During the outage: {duringOutage.Count} attempts, {refused.Count} answered 503, slowest {duringOutage.Select(attempt => attempt.Duration).DefaultIfEmpty().Max().TotalSeconds:F2} s"));
            var recovered = load.Attempts.Where(attempt => attempt.Acknowledged && attempt.Started >= startedAt).Select(attempt => attempt.Ended).DefaultIfEmpty().Min() - startedAt;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"First acknowledgement {recovered.TotalSeconds:F2} s after PostgreSQL was started again"));

            Assert.True(refused.Count > 0, "no send was refused during the outage: it did not break anything");
            Assert.All(refused, attempt => Assert.True(attempt.RetryAfter is not null, $"{attempt} had no Retry-After"));

            // Whatever else was answered during the outage was a message stored before it (a retry of an acknowledged
            // send is answered from memory); VerifyAsync has checked that every acknowledgement is in the database.
            Assert.All(duringOutage, attempt => Assert.True(attempt.Status is 503 or 200, $"{attempt}"));
        });

    [Fact(Timeout = 600_000)]
    public Task ShardDatabase_Stopped10sMidLoad_OtherShardsKeepSendingItsOwnAreRefusedThenItRecoversWithNothingLost() => FaultLoad.RunAsync(
        // More senders than usual: each one retrying a refused send into shard 1 sends nothing else meanwhile.
        output, new ChatLoadPlan(Messages: 2500, MessagesPerSecond: 100, Concurrency: 48), acknowledgedBeforeTheFault: 300, durability: PostgresDurability.AsShipped, databasePerShard: true,
        faultAndChecks: async (system, load) =>
        {
            const int StoppedShard = 1;
            var database = system.Databases[StoppedShard];
            var (stoppedAt, startedAt) = await FaultLoad.OutageAsync(load, database.StopServerAsync, TimeSpan.FromSeconds(10), database.StartServerAsync);

            await load.VerifyAsync();
            var before = load.Attempts.Where(attempt => attempt.Shard != StoppedShard && attempt.Ended < stoppedAt).ToList();
            var duringOutage = load.Attempts.Where(attempt => attempt.Started > stoppedAt && attempt.Ended < startedAt).ToList();
            var otherShards = duringOutage.Where(attempt => attempt.Shard != StoppedShard).ToList();
            var stoppedShard = duringOutage.Where(attempt => attempt.Shard == StoppedShard && attempt.Started > stoppedAt + TimeSpan.FromSeconds(1)).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"While shard {StoppedShard}'s database was down: shards 0 and 2 {otherShards.Count(attempt => attempt.Acknowledged)} of {otherShards.Count} acknowledged, " +
                $"median {Median(otherShards)} ms (before the outage {Median(before)} ms); shard {StoppedShard} {stoppedShard.Count(attempt => attempt.Status == 503)} of {stoppedShard.Count} answered 503, " +
                $"slowest {stoppedShard.Select(attempt => attempt.Duration).DefaultIfEmpty().Max().TotalSeconds:F2} s"));
            var recovered = load.AcknowledgedOnShardStartedBetween(StoppedShard, startedAt, TimeSpan.MaxValue).Select(attempt => attempt.Ended).DefaultIfEmpty().Min() - startedAt;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"First acknowledgement on shard {StoppedShard} {recovered.TotalSeconds:F2} s after its database was started again"));

            Assert.True(otherShards.Count >= 50, $"only {otherShards.Count} sends into other shards were tried during the outage");
            Assert.All(otherShards, attempt => Assert.True(attempt.Acknowledged, $"{attempt} into another shard failed while shard {StoppedShard}'s database was down"));
            Assert.True(stoppedShard.Any(attempt => attempt.Status == 503), $"no send into shard {StoppedShard} was refused: its database outage did not reach it");
            Assert.All(stoppedShard.Where(attempt => attempt.Status == 503), attempt => Assert.True(attempt.RetryAfter is not null, $"{attempt} had no Retry-After"));
            Assert.All(stoppedShard, attempt => Assert.True(attempt.Status is 503 or 200, $"{attempt}"));
        });

    private static string Median(List<SendAttempt> attempts) => attempts.Count == 0
        ? "n/a"
        : attempts.Select(attempt => attempt.Duration.TotalMilliseconds).Order().ElementAt(attempts.Count / 2).ToString("F1", CultureInfo.InvariantCulture);
}

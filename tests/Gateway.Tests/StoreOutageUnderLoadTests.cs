using System.Globalization;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>PostgreSQL or Redis stopped while clients send, then started again: each test has a system of its own.</summary>
public sealed class StoreOutageUnderLoadTests(ITestOutputHelper output)
{
    /// <summary>How long a send may take to be answered during an outage: failing fast, not hanging.</summary>
    private static readonly TimeSpan FailFastBound = TimeSpan.FromSeconds(5);

    // Durable as shipped: a relaxed server stopped at once loses its last commits, acknowledged or not.
    [Fact(Timeout = 600_000)]
    public Task Postgres_Stopped10sMidLoad_SendsFailFastWith503AndRetryAfterThenRecoverWithNothingLost() => FaultLoad.RunAsync(
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
            Assert.All(duringOutage, attempt => Assert.True(attempt.Duration < FailFastBound, $"{attempt} took {attempt.Duration}"));

            // Whatever else was answered during the outage was a message stored before it (a retry of an acknowledged
            // send is answered from memory); VerifyAsync has checked that every acknowledgement is in the database.
            Assert.All(duringOutage, attempt => Assert.True(attempt.Status is 503 or 200, $"{attempt}"));
        });

    [Fact(Timeout = 600_000)]
    public Task Redis_Stopped30sMidLoad_ClusterKeepsServingSendsAndRecoversWhenItReturns() => FaultLoad.RunAsync(
        output, new ChatLoadPlan(Messages: 2500, MessagesPerSecond: 50), acknowledgedBeforeTheFault: 200,
        faultAndChecks: async (system, load) =>
        {
            var (stoppedAt, startedAt) = await FaultLoad.OutageAsync(load, system.Redis.StopServerAsync, TimeSpan.FromSeconds(30), system.Redis.StartServerAsync);

            var duringOutage = load.Attempts.Where(attempt => attempt.Started > stoppedAt && attempt.Ended < startedAt).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"During the 30 s without Redis: {duringOutage.Count(attempt => attempt.Acknowledged)} of {duringOutage.Count} attempts acknowledged"));
            Assert.True(duringOutage.Count > 500, $"only {duringOutage.Count} sends were tried while Redis was down");
            Assert.All(duringOutage, attempt => Assert.True(attempt.Acknowledged, $"{attempt} failed while Redis was down"));

            await load.VerifyAsync();
            using var api = new ChatApi(system.GatewayUrl);
            await Eventually.ReturnsAsync(
                () => api.GetJsonAsync<List<ShardView>>("/api/health/shards"), shards => shards.All(shard => shard.Status == "active"),
                TimeSpan.FromSeconds(60), "every shard active after Redis returned");
        });
}

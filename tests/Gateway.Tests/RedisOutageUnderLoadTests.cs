using System.Globalization;
using System.Net.Http.Json;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>Redis frozen or stopped while clients send, then back: each test has a system of its own.</summary>
public sealed class RedisOutageUnderLoadTests(ITestOutputHelper output)
{
    // Frozen (SIGSTOP, as in a partition), every call to Redis waits unanswered, and the cluster's membership reads time
    // out as cancellations; stopped (the 2-minute test below), it refuses connections at once.
    [Fact(Timeout = 600_000)]
    public Task Redis_Frozen30sMidLoad_EveryProcessKeepsRunningHealthSaysWhySendsAreAcknowledgedThroughoutAndItRecovers() => FaultLoad.RunAsync(
        output, new ChatLoadPlan(Messages: 2500, MessagesPerSecond: 50), acknowledgedBeforeTheFault: 200,
        faultAndChecks: async (system, load) =>
        {
            using var api = new ChatApi(system.GatewayUrl);
            var health = new HealthWhileRedisIsAway(system, api);
            var (goneAt, backAt) = await FaultLoad.OutageAsync(load, system.Redis.FreezeAsync, TimeSpan.FromSeconds(30), system.Redis.ThawAsync, health.CheckAsync);
            const string outage = "frozen";
            health.AssertDegradedAndWhy();

            var duringOutage = load.Attempts.Where(attempt => attempt.Started > goneAt && attempt.Ended < backAt).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"During the 30 s with Redis {outage}: {duringOutage.Count(attempt => attempt.Acknowledged)} of {duringOutage.Count} attempts acknowledged"));
            Assert.All(system.Silos.Concat(system.Gateways), host => Assert.False(host.HasExited, $"{host.Name} exited while Redis was {outage}"));
            Assert.True(duringOutage.Count > 500, $"only {duringOutage.Count} sends were tried while Redis was {outage}");
            Assert.All(duringOutage, attempt => Assert.True(attempt.Acknowledged, $"{attempt} failed while Redis was {outage}"));

            await load.VerifyAsync();
            await Eventually.ReturnsAsync(
                () => api.GetJsonAsync<GatewayHealth>("/healthz"), health => health is { Status: "ok", ActiveSilos: 3, Reason: null },
                TimeSpan.FromSeconds(60), "/healthz ok again after Redis returned");
            await Eventually.ReturnsAsync(
                () => api.GetJsonAsync<List<ShardView>>("/api/health/shards"), shards => shards.All(shard => shard.Status == "active"),
                TimeSpan.FromSeconds(60), "every shard active after Redis returned");
            await health.AssertEverySiloOkAsync();

            var (fresh, _) = await api.RegisterAsync();
            var (other, auth) = await api.RegisterAsync();
            using (fresh)
            using (other)
            {
                await fresh.SendAsync(auth.UserId, "after Redis returned");
            }

            Assert.All(system.Silos.Concat(system.Gateways), host => Assert.False(host.HasExited, $"{host.Name} exited after Redis returned"));
        });

    [Fact(Timeout = 900_000)]
    public Task Redis_Stopped2MinutesMidLoad_NothingStopsHealthSaysWhyAndASiloRestartedOnceItIsBackJoinsTheCluster() => FaultLoad.RunAsync(
        output, new ChatLoadPlan(Messages: 3000, MessagesPerSecond: 20), acknowledgedBeforeTheFault: 100,
        faultAndChecks: async (system, load) =>
        {
            using var api = new ChatApi(system.GatewayUrl);
            var health = new HealthWhileRedisIsAway(system, api);
            var (stoppedAt, startedAt) = await FaultLoad.OutageAsync(load, system.Redis.StopServerAsync, TimeSpan.FromMinutes(2), system.Redis.StartServerAsync, health.CheckAsync);
            health.AssertDegradedAndWhy();

            var duringOutage = load.Attempts.Where(attempt => attempt.Started > stoppedAt && attempt.Ended < startedAt).ToList();
            Assert.All(system.Silos.Concat(system.Gateways), host => Assert.False(host.HasExited, $"{host.Name} exited while Redis was down"));
            Assert.True(duringOutage.Count > 1000, $"only {duringOutage.Count} sends were tried in the 2 minutes without Redis");
            Assert.All(duringOutage, attempt => Assert.True(attempt.Acknowledged, $"{attempt} failed while Redis was down"));

            // Joining needs the membership table: a silo restarted once Redis is back takes its shard again.
            const int RestartedShard = 2;
            var before = (await api.GetJsonAsync<List<ShardView>>("/api/health/shards"))[RestartedShard].Silo;
            var killed = system.SiloOf(RestartedShard);
            await killed.KillAsync();
            system.StartSilo(RestartedShard);
            await Eventually.ReturnsAsync(
                () => api.GetJsonAsync<List<ShardView>>("/api/health/shards"),
                shards => shards.All(shard => shard.Status == "active") && shards[RestartedShard].Silo != before,
                TimeSpan.FromMinutes(2), $"shard {RestartedShard} served by its restarted silo");
            await Eventually.ReturnsAsync(
                () => api.GetJsonAsync<GatewayHealth>("/healthz"), health => health is { Status: "ok", ActiveSilos: 3 },
                TimeSpan.FromMinutes(1), "/healthz ok with three silos");

            await load.VerifyAsync();
            Assert.All(system.Silos.Concat(system.Gateways).Where(host => host != killed), host => Assert.False(host.HasExited, $"{host.Name} exited"));
        });

    /// <summary>
    /// What health says while Redis is away: the gateway's and every silo's /healthz "degraded" with the reason, and the
    /// shard panel still answering from the silos' own view of the cluster.
    /// </summary>
    private sealed class HealthWhileRedisIsAway(ChatSystem system, ChatApi api)
    {
        private readonly List<GatewayHealth> _health = [];
        private readonly List<ShardView> _shards = [];

        public async Task CheckAsync()
        {
            _health.Add(await Eventually.ReturnsAsync(
                () => api.GetJsonAsync<GatewayHealth>("/healthz"), health => health.Status == "degraded", TimeSpan.FromSeconds(20), "/healthz degraded while Redis is away"));
            _shards.AddRange(await api.GetJsonAsync<List<ShardView>>("/api/health/shards"));
            for (var shard = 0; shard < ChatSystem.ShardCount; shard++)
            {
                _health.Add(await SiloHealthAsync(shard));
            }
        }

        public void AssertDegradedAndWhy()
        {
            Assert.Equal(1 + ChatSystem.ShardCount, _health.Count); // the gateway's, then each silo's
            Assert.All(_health, degraded => Assert.Equal(("degraded", 3), (degraded.Status, degraded.ActiveSilos)));
            Assert.All(_health, degraded => Assert.Contains("membership store (Redis)", degraded.Reason));
            Assert.Equal(["active", "active", "active"], _shards.Select(shard => shard.Status));
        }

        public async Task AssertEverySiloOkAsync()
        {
            for (var shard = 0; shard < ChatSystem.ShardCount; shard++)
            {
                Assert.Equal("ok", (await SiloHealthAsync(shard)).Status);
            }
        }

        private async Task<GatewayHealth> SiloHealthAsync(int shard)
        {
            using var http = new HttpClient();
            return (await http.GetFromJsonAsync<GatewayHealth>(new Uri(system.SiloMetricsUrl(shard), "/healthz"), ContractJson.Options))!;
        }
    }
}

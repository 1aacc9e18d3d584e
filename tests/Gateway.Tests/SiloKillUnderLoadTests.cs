using System.Globalization;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>A silo process killed (SIGKILL) while clients send, and started again: a system of its own.</summary>
public sealed class SiloKillUnderLoadTests(ITestOutputHelper output)
{
    private const int KilledShard = 1;

    // How long the shard goes unserved is a figure of the benchmark's failover scenario; here it must be served again.
    [Fact(Timeout = 600_000)]
    public Task Silo_KilledMidLoadAndStartedAgain_ItsShardIsServedAgainNothingIsLostAndItGoesHome() => FaultLoad.RunAsync(
        output, new ChatLoadPlan(Messages: 2000, MessagesPerSecond: 100), acknowledgedBeforeTheFault: 300,
        faultAndChecks: async (system, load) =>
        {
            await system.Silos[KilledShard].KillAsync();
            var killedAt = load.Elapsed;
            var served = await Eventually.ReturnsAsync(
                () => Task.FromResult(load.AcknowledgedOnShardStartedBetween(KilledShard, killedAt, TimeSpan.MaxValue)),
                attempts => attempts.Count > 0,
                TimeSpan.FromSeconds(90), $"a send to shard {KilledShard} started after the kill being acknowledged");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Shard {KilledShard} served again {(served.Min(attempt => attempt.Ended) - killedAt).TotalSeconds:F2} s after its silo was gone"));

            // Back home: the restarted silo holds at least the shard's conversations (a fresh silo holds a few system grains).
            system.StartSilo(KilledShard);
            using var api = new ChatApi(system.GatewayUrl);
            var shardConversations = load.Conversations.Count(conversation => long.Parse(conversation.Split('-')[0], CultureInfo.InvariantCulture) % ChatSystem.ShardCount == KilledShard);
            var home = await Eventually.ReturnsAsync(
                () => api.GetJsonAsync<List<ShardView>>("/api/health/shards"),
                shards => shards.Single(shard => shard.Shard == KilledShard) is { Status: "active", Activations: var activations } && activations >= shardConversations,
                TimeSpan.FromSeconds(90), $"shard {KilledShard}'s {shardConversations} conversations going home to its new silo");
            output.WriteLine($"After the return: {string.Join("; ", home)}");

            await load.VerifyAsync();
        });
}

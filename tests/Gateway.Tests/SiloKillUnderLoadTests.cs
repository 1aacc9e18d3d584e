using System.Globalization;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>A silo process killed (SIGKILL) while clients send, and started again: a system of its own.</summary>
public sealed class SiloKillUnderLoadTests(ITestOutputHelper output)
{
    private const int KilledShard = 1;
    private static readonly TimeSpan ServedAgainBound = TimeSpan.FromSeconds(5);

    [Fact(Timeout = 600_000)]
    public Task Silo_KilledMidLoadAndStartedAgain_ItsShardIsServedWithin5sNothingIsLostAndItGoesHome() => FaultLoad.RunAsync(
        output, new ChatLoadPlan(Messages: 2000, MessagesPerSecond: 100), acknowledgedBeforeTheFault: 300,
        faultAndChecks: async (system, load) =>
        {
            // The sends to the shard started in the second after the kill all went to the dead silo (nobody can know yet):
            // the last of them to be acknowledged says when the shard was served again.
            var killedAt = load.Elapsed;
            await system.Silos[KilledShard].KillAsync();
            var caught = await Eventually.ReturnsAsync(
                () => Task.FromResult(load.AcknowledgedOnShardStartedBetween(KilledShard, killedAt, killedAt + TimeSpan.FromSeconds(1))),
                attempts => attempts.Count > 0 && load.Elapsed > killedAt + ServedAgainBound + TimeSpan.FromSeconds(10),
                TimeSpan.FromSeconds(90), $"sends to shard {KilledShard} caught by the kill");
            var servedAgainAfter = caught.Max(attempt => attempt.Ended) - killedAt;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Shard {KilledShard} served again {servedAgainAfter.TotalSeconds:F2} s after the kill ({caught.Count} sends caught by it)"));
            Assert.True(servedAgainAfter <= ServedAgainBound, $"shard {KilledShard} was served again only {servedAgainAfter} after the kill");

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

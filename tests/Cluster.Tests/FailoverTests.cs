using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Operations;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Cluster.Tests;

/// <summary>Each test kills silos, so each gets its own cluster (over the shared PostgreSQL).</summary>
[Collection(PostgresCollection.Name)]
public sealed class FailoverTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UserGrain_OwnerSiloKilled_AnswersFromFallbackWithStateThenReturnsHomeWhenReplaced()
    {
        await using var cluster = await ChatTestCluster.StartAsync(postgres.ConnectionString);
        const long userId = 4;
        await cluster.Grains.RegisterAsync(userId, "Four");
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        Assert.Equal(1, await cluster.ShardHostingAsync(user));

        await cluster.Cluster.KillSiloAsync(cluster.SiloOfShard(1));
        await cluster.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        var profile = await Eventually.SucceedsAsync(user.GetProfileAsync, Bound, "user 4 answering after its silo died");
        Assert.Equal("Four", profile?.DisplayName);
        Assert.Equal(2, await cluster.ShardHostingAsync(user)); // the next shard's silo is the deterministic fallback
        Assert.Equal(new GrainResidence(user.GetGrainId().ToString(), HomeShard: 1, HostShard: 2), await ResidenceOfAsync(cluster, user, hostShard: 2));

        await cluster.StartReplacementAsync(shard: 1);
        await ShowLogsOnFailureAsync(cluster, () => Eventually.ReturnsAsync(
            async () =>
            {
                await user.GetProfileAsync();
                return await cluster.ShardHostingAsync(user);
            },
            shard => shard == 1,
            Bound,
            "user 4 going back to the replacement silo of shard 1"));
        Assert.Equal("Four", (await user.GetProfileAsync())?.DisplayName);
        Assert.Equal(1, (await ResidenceOfAsync(cluster, user, hostShard: 1)).HostShard);
    }

    /// <summary>
    /// Where the Cluster panel's failover counts find a grain, once it is active on that shard's silo alone: while an
    /// activation migrates, the old one is listed until it has finished deactivating.
    /// </summary>
    private static async Task<GrainResidence> ResidenceOfAsync(ChatTestCluster cluster, IUserGrain user, int hostShard)
    {
        var residences = await Eventually.ReturnsAsync(
            async () => (await cluster.Grains.GetGrain<IGrainResidenceGrain>(0).ListAsync()).Where(residence => residence.Grain == user.GetGrainId().ToString()).ToList(),
            found => found is [{ } only] && only.HostShard == hostShard,
            Bound,
            $"user 4 listed on shard {hostShard}'s silo alone");
        return residences[0];
    }

    [Fact]
    public async Task SendAsync_ConversationSiloKilledMidConversation_KeepsEveryAcknowledgedMessageGapless()
    {
        await using var cluster = await ChatTestCluster.StartAsync(postgres.ConnectionString);
        var (alice, bob) = (TestIds.User(shard: 1), TestIds.User(shard: 2));
        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(bob);
        var acknowledged = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            acknowledged.Add((await cluster.Grains.SendAsync(alice, bob, $"before {i}", $"before-{i}")).Sequence);
        }

        await cluster.Cluster.KillSiloAsync(cluster.SiloOfShard(1));
        for (var i = 0; i < 20; i++)
        {
            // A client retries with the same clientMessageId until it gets an acknowledgement.
            var clientMessageId = $"after-{i}";
            var message = await Eventually.SucceedsAsync(
                () => cluster.Grains.SendAsync(alice, bob, $"after {i}", clientMessageId), Bound, $"send {clientMessageId}");
            acknowledged.Add(message.Sequence);
        }

        var history = await cluster.Grains.HistoryAsync(bob, alice);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), history.Select(message => message.Sequence));
        Assert.Equal(acknowledged, history.Select(message => message.Sequence));
    }

    [Fact]
    public async Task SendAsync_ConversationSiloKilledWhileWritesAreInFlight_RetriesStoreEachMessageOnceWithoutGaps()
    {
        await using var cluster = await ChatTestCluster.StartAsync(postgres.ConnectionString);
        var (alice, bob) = (TestIds.User(shard: 1), TestIds.User(shard: 2));
        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(bob);

        var senders = RetryingSenders.Start(cluster, alice, bob, senders: 6, messagesEach: 100);
        await senders.WhenAcknowledgedAtLeastAsync(30);
        var conversation = cluster.Grains.Conversation(alice, bob);
        Assert.Equal(1, await cluster.ShardHostingAsync(conversation));
        await cluster.Cluster.KillSiloAsync(cluster.SiloOfShard(1));
        var acknowledgedBeforeTheKill = senders.Acknowledged;

        await senders.AssertEachStoredOnceWithoutGapsAsync(cluster, alice, bob);
        // Whether a send sees the kill as an error depends on where its request was at that instant (Orleans forwards
        // what was still queued), so what proves the fault hit the stream is that most of it was still to come and
        // the conversation finished on the fallback silo.
        Assert.True(acknowledgedBeforeTheKill < senders.Total / 2, $"{acknowledgedBeforeTheKill} of {senders.Total} were acknowledged before the kill.");
        Assert.Equal(2, await cluster.ShardHostingAsync(conversation));
        output.WriteLine($"{senders.Failures} sends failed and were retried.");
    }

    private async Task ShowLogsOnFailureAsync<T>(ChatTestCluster cluster, Func<Task<T>> step)
    {
        try
        {
            await step();
        }
        catch
        {
            foreach (var line in cluster.Logs.Lines)
            {
                output.WriteLine(line);
            }

            throw;
        }
    }
}

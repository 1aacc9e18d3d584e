using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Cluster.Tests;

/// <summary>A big group's fan-out through a silo failure. The test kills a silo, so it has a cluster of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupFanOutTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Members = 256;

    /// <summary>
    /// Members whose silo died hear once their grains are activated on the fallback silo; the in-process clusters of
    /// other test collections may run meanwhile on the same two cores.
    /// </summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Send_ToA256MemberGroup_WithAMembersSiloKilled_ReachesEveryMembersDevice()
    {
        await using var cluster = await ChatTestCluster.StartAsync(postgres.ConnectionString);
        var members = Enumerable.Range(0, Members).Select(i => TestIds.User(shard: i % ChatTestCluster.ShardCount)).ToList();
        await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (member, _) => await cluster.Grains.RegisterAsync(member));
        var groupId = TestIds.User(shard: 0);
        var created = await cluster.Grains.GetGrain<IGroupGrain>(groupId).CreateAsync(members[0], "Everyone", members[1..]);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        var conversation = cluster.Grains.GetGrain<IConversationGrain>(ConversationId.Group(groupId).ToString());
        var devices = await Task.WhenAll(members.Select(member => ObservedDevice.ConnectAsync(cluster, member)));
        try
        {
            // Shard 1's silo dies under a third of the members; once the cluster has declared it dead, two members send.
            // (A push already on its way to a device when a silo dies may be lost; a real tab gets the hub's resync for
            // that and catches up: LostNotificationTests. This test is about the group's fan-out past the dead silo.)
            await cluster.Cluster.KillSiloAsync(cluster.SiloOfShard(1));
            await cluster.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
            var first = await conversation.SendAsync(members[0], "while shard 1 is down", "m-1");
            var second = await conversation.SendAsync(members[3], "still down", "m-2");
            Assert.True(first.IsSuccess && second.IsSuccess);

            var received = await Task.WhenAll(devices.Select(async device => new[]
            {
                (await device.NextAsync<ChatMessage>(message => message.ClientMessageId == "m-1", FailoverBound)).Sequence,
                (await device.NextAsync<ChatMessage>(message => message.ClientMessageId == "m-2", FailoverBound)).Sequence,
            }));

            Assert.All(received, sequences => Assert.Equal([2L, 3], sequences));
            var history = await conversation.HistoryAsync(members[^1]);
            Assert.Equal([MessageKind.GroupChange, MessageKind.Text, MessageKind.Text], history.Select(message => message.Kind));
        }
        catch
        {
            foreach (var line in cluster.Logs.Lines.Where(line => line.Contains("WhatsApp", StringComparison.Ordinal)))
            {
                output.WriteLine(line);
            }

            throw;
        }
        finally
        {
            // The devices of users whose grains died with the silo unsubscribe from the grains' new activations.
            await Task.WhenAll(devices.Select(async device => await device.DisposeAsync()));
        }
    }
}

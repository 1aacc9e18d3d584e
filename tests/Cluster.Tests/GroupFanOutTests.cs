using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>A big group's fan-out through a silo failure. The test kills a silo, so it has a cluster of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupFanOutTests(PostgresFixture postgres)
{
    private const int Members = 256;

    /// <summary>Members on the killed silo hear once the cluster has declared it dead and their grains moved.</summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Send_ToA256MemberGroup_WhileAMembersSiloIsKilled_ReachesEveryMembersDevice()
    {
        await using var cluster = await ChatTestCluster.StartAsync(postgres.ConnectionString);
        var members = Enumerable.Range(0, Members).Select(i => TestIds.User(shard: i % ChatTestCluster.ShardCount)).ToList();
        await Task.WhenAll(members.Select(member => cluster.Grains.RegisterAsync(member)));
        var groupId = TestIds.User(shard: 0);
        var created = await cluster.Grains.GetGrain<IGroupGrain>(groupId).CreateAsync(members[0], "Everyone", members[1..]);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        var conversation = cluster.Grains.GetGrain<IConversationGrain>(ConversationId.Group(groupId).ToString());
        var devices = await Task.WhenAll(members.Select(member => ObservedDevice.ConnectAsync(cluster, member)));
        try
        {
            // The first message is on its way to the members while shard 1's silo dies under a third of them.
            var duringKill = conversation.SendAsync(members[0], "while shard 1 dies", "m-1");
            await cluster.Cluster.KillSiloAsync(cluster.SiloOfShard(1));
            var afterKill = await conversation.SendAsync(members[3], "after shard 1 died", "m-2");
            Assert.True((await duringKill).IsSuccess && afterKill.IsSuccess);

            var received = await Task.WhenAll(devices.Select(async device => new[]
            {
                (await device.NextAsync<ChatMessage>(message => message.ClientMessageId == "m-1", FailoverBound)).Sequence,
                (await device.NextAsync<ChatMessage>(message => message.ClientMessageId == "m-2", FailoverBound)).Sequence,
            }));

            Assert.All(received, sequences => Assert.Equal([2L, 3], sequences));
            var history = await conversation.HistoryAsync(members[^1]);
            Assert.Equal([MessageKind.GroupChange, MessageKind.Text, MessageKind.Text], history.Select(message => message.Kind));
        }
        finally
        {
            // The devices of users whose grains died with the silo unsubscribe from the grains' new activations.
            await Task.WhenAll(devices.Select(async device => await device.DisposeAsync()));
        }
    }
}

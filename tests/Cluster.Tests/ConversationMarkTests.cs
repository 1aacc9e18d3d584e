using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Conversations;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>
/// Marks are rows of their own, one per participant in the conversation's database: a member's mark in a large group
/// writes that member's row, not a state holding everyone's, and the marks are whole after the conversation reactivates.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConversationMarkTests(PostgresFixture postgres)
{
    [Fact]
    public async Task MarkRead_InAGroupOf200_WritesTheMembersOwnRowOnly_AndTheTicksSurviveReactivation()
    {
        var cluster = await postgres.SharedClusterAsync();
        var admin = TestIds.User();
        var members = Enumerable.Range(0, 199).Select(_ => TestIds.User()).ToList();
        await Parallel.ForEachAsync(members.Prepend(admin), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (userId, _) => await cluster.Grains.RegisterAsync(userId));
        var groupId = TestIds.User();
        Assert.True((await cluster.Grains.GetGrain<IGroupGrain>(groupId).CreateAsync(admin, "Big", members)).IsSuccess);
        var conversationId = ConversationId.Group(groupId).ToString();
        var conversation = cluster.Grains.GetGrain<IConversationGrain>(conversationId);
        var sent = await conversation.SendAsync(admin, "read me", null);
        var stateBefore = await ConversationStateVersionAsync(cluster, conversationId);

        await Task.WhenAll(members.Select(member => conversation.MarkReadAsync(member, sent.Value!.Message.Sequence)));

        Assert.Equal(stateBefore, await ConversationStateVersionAsync(cluster, conversationId));
        Assert.Equal(members.Count, await postgres.Server.QueryScalarAsync<long>(
            $"SELECT count(*) FROM conversation_mark WHERE service_id = '{cluster.ServiceId}' AND conversation_id = '{conversationId}' AND read_up_to = {sent.Value!.Message.Sequence}"));
        await cluster.Cluster.DeactivateAsync(conversation);
        var history = await conversation.HistoryAsync(admin);
        Assert.Equal(MessageStatus.Read, history.Single(message => message.Sequence == sent.Value!.Message.Sequence).Status);
    }

    [Fact]
    public async Task Activation_OfAConversationWhoseStateStillHoldsMarks_MovesThemToRowsAndEmptiesTheState()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        for (var i = 0; i < 3; i++)
        {
            await cluster.Grains.SendAsync(ada, bob, $"message {i + 1}");
        }

        var conversation = cluster.Grains.Conversation(ada, bob);
        await cluster.Cluster.DeactivateAsync(conversation);
        var storage = Storage(cluster);
        var grainId = GrainId.Create(GrainTypes.Conversation, ConversationId.Direct(ada, bob).ToString());
        var earlierVersion = new GrainState<ConversationState>(new ConversationState());
        await storage.ReadStateAsync("conversation", grainId, earlierVersion);
        earlierVersion.State!.Marks[bob] = new ParticipantMarks(DeliveredUpTo: 3, ReadUpTo: 2);
        await storage.WriteStateAsync("conversation", grainId, earlierVersion);

        var history = await conversation.HistoryAsync(ada);

        Assert.Equal([MessageStatus.Read, MessageStatus.Read, MessageStatus.Delivered], history.Select(message => message.Status));
        var afterwards = new GrainState<ConversationState>(new ConversationState());
        await storage.ReadStateAsync("conversation", grainId, afterwards);
        Assert.Empty(afterwards.State!.Marks);
        Assert.Equal(1, await postgres.Server.QueryScalarAsync<long>(
            $"SELECT count(*) FROM conversation_mark WHERE service_id = '{cluster.ServiceId}' AND conversation_id = '{ConversationId.Direct(ada, bob)}' AND user_id = {bob} AND delivered_up_to = 3 AND read_up_to = 2"));
    }

    private static IGrainStorage Storage(ChatTestCluster cluster) =>
        cluster.SiloOfShard(0).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Chat);

    private static async Task<string?> ConversationStateVersionAsync(ChatTestCluster cluster, string conversationId)
    {
        var state = new GrainState<ConversationState>(new ConversationState());
        await Storage(cluster).ReadStateAsync("conversation", GrainId.Create(GrainTypes.Conversation, conversationId), state);
        return state.ETag;
    }
}

using Microsoft.Extensions.DependencyInjection;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>
/// A database per shard: every row goes to the database of the shard that owns its key, whichever silo does the work,
/// and one database being down leaves the others' conversations untouched. Each test starts its own cluster over the
/// three databases (each its own ServiceId).
/// </summary>
[Collection(ShardDatabasesCollection.Name)]
public sealed class ShardDatabaseTests(ShardDatabasesFixture databases)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Send_ParticipantsOnOtherShards_EachRowLandsInItsKeysShardDatabase()
    {
        await using var cluster = await ChatTestCluster.StartAsync(databases.ConnectionStrings);
        var (alice, bob) = (TestIds.User(shard: 1), TestIds.User(shard: 2));
        var conversation = ConversationId.Direct(alice, bob);
        var conversationShard = Shards.Of(conversation.ShardKey, ChatTestCluster.ShardCount);
        await cluster.Grains.RegisterAsync(alice, "Alice");
        await cluster.Grains.RegisterAsync(bob, "Bob");
        var sent = await cluster.Grains.SendAsync(alice, bob, "hello across shards");
        Assert.True((await cluster.Grains.Conversation(alice, bob).MarkReadAsync(bob, sent.Sequence)).IsSuccess);

        var id = cluster.ServiceId;
        for (var shard = 0; shard < ChatTestCluster.ShardCount; shard++)
        {
            var owns = (long key) => Shards.Of(key, ChatTestCluster.ShardCount) == shard ? 1L : 0L;
            Assert.Equal(conversationShard == shard ? 1 : 0, await databases.CountAsync(shard, "chat_message", id));
            Assert.Equal(owns(alice) + owns(bob), await databases.CountAsync(shard, "chat_list_entry", id));
            Assert.Equal(owns(bob), await databases.CountAsync(shard, "chat_list_entry", id, $"user_id = {bob} AND read_up_to = {sent.Sequence}"));
            Assert.Equal(owns(alice) + owns(bob), await databases.CountAsync(shard, "chat_user", id));
            Assert.Equal(owns(alice) + owns(bob), await databases.CountAsync(shard, "grain_state", id, "state_name = 'user'"));
            // The conversation's marks are its own rows: no grain state of it is written for a send or a mark.
            Assert.Equal(conversationShard == shard ? 1 : 0, await databases.CountAsync(shard, "conversation_mark", id, $"user_id = {bob} AND read_up_to = {sent.Sequence}"));
            Assert.Equal(0, await databases.CountAsync(shard, "grain_state", id, "state_name = 'conversation'"));
        }

        Assert.Equal(sent.Sequence, (await cluster.Grains.ChatListAsync(bob)).Single().LastMessage.Sequence);
        Assert.Equal(0, (await cluster.Grains.ChatListAsync(bob)).Single().UnreadCount);
        Assert.Equal(1, (await cluster.Grains.ChatListAsync(alice)).Single().LastMessage.Sequence);
    }

    [Fact]
    public async Task Search_UsersOnEveryShard_EachShardsDirectoryAnswersFromItsOwnDatabase()
    {
        await using var cluster = await ChatTestCluster.StartAsync(databases.ConnectionStrings);
        var marker = "Shardy" + Guid.NewGuid().ToString("N")[..6];
        var users = Enumerable.Range(0, ChatTestCluster.ShardCount).Select(shard => TestIds.User(shard)).ToList();
        foreach (var user in users)
        {
            await cluster.Grains.RegisterAsync(user, $"{marker} {user}");
        }

        for (var shard = 0; shard < ChatTestCluster.ShardCount; shard++)
        {
            var found = await cluster.Grains.GetGrain<IUserDirectoryGrain>(shard).SearchAsync(marker, users, 10);
            Assert.Equal([users[shard]], found.Select(entry => entry.UserId));
        }
    }

    [Fact]
    public async Task Send_ShardSiloKilled_FallbackSiloWritesToTheDeadShardsDatabase()
    {
        await using var cluster = await ChatTestCluster.StartAsync(databases.ConnectionStrings);
        var (alice, bob) = (TestIds.User(shard: 1), TestIds.User(shard: 2));
        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(bob);
        await cluster.Grains.SendAsync(alice, bob, "before the kill");

        await cluster.Cluster.KillSiloAsync(cluster.SiloOfShard(1));
        for (var i = 0; i < 5; i++)
        {
            var clientMessageId = $"after-{i}";
            await Eventually.SucceedsAsync(() => cluster.Grains.SendAsync(alice, bob, $"after {i}", clientMessageId), Bound, $"send {clientMessageId}");
        }

        Assert.Equal(2, await cluster.ShardHostingAsync(cluster.Grains.Conversation(alice, bob)));
        Assert.Equal(6, await databases.CountAsync(1, "chat_message", cluster.ServiceId));
        Assert.Equal(0, await databases.CountAsync(2, "chat_message", cluster.ServiceId));
        Assert.Equal(0, await databases.CountAsync(0, "chat_message", cluster.ServiceId));
        Assert.Equal(1, await databases.CountAsync(1, "chat_list_entry", cluster.ServiceId, $"user_id = {alice} AND last_sequence = 6"));
    }

    [Fact]
    public async Task Send_RecipientsDatabaseDown_IsAcknowledgedAndTheirLineIsRewrittenWhenItReturns()
    {
        await using var cluster = await ChatTestCluster.StartAsync(databases.ConnectionStrings, configureSilo: silo =>
            silo.Services.Configure<Grains.ChatOptions>(chat => chat.StaleLineRepairInterval = TimeSpan.FromMilliseconds(200)));
        var (alice, bob) = await RegisterLowerOnShard0HigherOnShard1Async(cluster);
        var first = await cluster.Grains.SendAsync(bob, alice, "while all is well");
        Assert.True((await cluster.Grains.Conversation(alice, bob).MarkReadAsync(bob, first.Sequence)).IsSuccess);

        await databases.Servers[1].StopServerAsync();
        try
        {
            // The conversation lives on shard 0 (alice's id is the lower); only bob's line is in the stopped database.
            var during = await cluster.Grains.SendAsync(alice, bob, "while bob's database is down");
            Assert.Equal(during.Sequence, (await cluster.Grains.ChatListAsync(alice)).Single().LastMessage.Sequence);
            Assert.Equal(1, await databases.CountAsync(0, "chat_list_stale_line", cluster.ServiceId, $"user_id = {bob}"));
        }
        finally
        {
            await databases.Servers[1].StartServerAsync();
        }

        var line = await Eventually.ReturnsAsync(
            async () => (await cluster.Grains.ChatListAsync(bob)).Single(),
            entry => entry.LastMessage.Sequence == 2,
            Bound,
            "bob's chat-list line rewritten once his database is back");
        Assert.Equal(1, line.ReadUpToSequence);
        Assert.Equal(1, line.UnreadCount);
        await Eventually.ReturnsAsync(
            () => databases.CountAsync(0, "chat_list_stale_line", cluster.ServiceId),
            count => count == 0,
            Bound,
            "the stale-line note removed after the rewrite");
    }

    [Fact]
    public async Task Edit_ReadersDatabaseDownMidEdit_FailsAndItsRepeatFinishesTheRewriteOnceItIsBack()
    {
        await using var cluster = await ChatTestCluster.StartAsync(databases.ConnectionStrings);
        var (alice, bob) = await RegisterLowerOnShard0HigherOnShard1Async(cluster);
        var sent = await cluster.Grains.SendAsync(alice, bob, "meet at the old place");
        var conversation = cluster.Grains.Conversation(alice, bob);
        Assert.Equal("meet at the old place", (await cluster.Grains.ChatListAsync(bob)).Single().LastMessage.Content);

        await databases.Servers[1].StopServerAsync();
        try
        {
            // The row (in alice's shard database) takes the edit; bob's line, in the stopped database, cannot.
            await Assert.ThrowsAsync<StorageUnavailableException>(() => conversation.EditAsync(alice, sent.Sequence, "meet at the new place"));
        }
        finally
        {
            await databases.Servers[1].StartServerAsync();
        }

        // An identical edit is silent, except when the first one was never told: this one finishes it.
        var repeated = await conversation.EditAsync(alice, sent.Sequence, "meet at the new place");
        Assert.True(repeated.IsSuccess, repeated.Error?.Detail);
        Assert.Equal("meet at the new place", (await cluster.Grains.ChatListAsync(bob)).Single().LastMessage.Content);
    }

    /// <summary>Two users whose conversation lives on shard 0 (alice's id is the lower) while bob's rows live on shard 1.</summary>
    private static async Task<(long Alice, long Bob)> RegisterLowerOnShard0HigherOnShard1Async(ChatTestCluster cluster)
    {
        var (alice, bob) = (TestIds.User(shard: 0), TestIds.User(shard: 1));
        while (bob < alice)
        {
            bob = TestIds.User(shard: 1);
        }

        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(bob);
        return (alice, bob);
    }
}

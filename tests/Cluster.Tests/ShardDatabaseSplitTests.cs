using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Storage;
using WhatsApp.Silo.Persistence.Split;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Cluster.Tests;

/// <summary>
/// Moving from one database to one per shard (`split-databases`): each test splits databases of its own, on the three
/// servers of the shard-database fixture, so no other test's rows move.
/// </summary>
[Collection(ShardDatabasesCollection.Name)]
public sealed class ShardDatabaseSplitTests(ShardDatabasesFixture databases, ITestOutputHelper output)
{
    [Fact]
    public async Task Split_OneDatabaseWithChatsOnEveryShard_EachShardsRowsMoveAndTheClusterOnThemKeepsEverything()
    {
        var (source, shardDatabases) = NewDatabases();
        var serviceId = "split-" + Guid.NewGuid().ToString("N")[..8];
        var users = Enumerable.Range(0, 6).Select(i => TestIds.User(shard: i % ChatTestCluster.ShardCount)).ToList();
        var pairs = new[] { (users[0], users[1]), (users[1], users[2]), (users[2], users[3]), (users[4], users[5]) };
        var marker = "Splitty" + Guid.NewGuid().ToString("N")[..6];

        Dictionary<long, IReadOnlyList<InboxEntry>> chatListsBefore;
        await using (var before = await ChatTestCluster.StartAsync(source, serviceId))
        {
            foreach (var user in users)
            {
                await before.Grains.RegisterAsync(user, $"{marker} {user}");
            }

            foreach (var (a, b) in pairs)
            {
                for (var i = 0; i < 5; i++)
                {
                    await before.Grains.SendAsync(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a, $"{a}-{b} #{i}");
                }

                Assert.True((await before.Grains.Conversation(a, b).MarkReadAsync(b, 3)).IsSuccess);
            }

            chatListsBefore = await ChatListsAsync(before, users);
        }

        Assert.Equal([0, 1, 2], pairs.Select(pair => Shards.Of(ConversationId.Direct(pair.Item1, pair.Item2).ShardKey, 3)).Distinct().Order());
        var counts = await SplitAsync(source, shardDatabases);
        Assert.Contains(counts, count => count.Table == "chat_message" && count.Shard == 2 && count.Rows > 0);

        for (var shard = 0; shard < ChatTestCluster.ShardCount; shard++)
        {
            var database = shardDatabases.ByShard[shard];
            Assert.Equal(0, await CountAsync(database, "chat_user", $"user_id % 3 <> {shard}"));
            Assert.Equal(0, await CountAsync(database, "chat_list_entry", $"user_id % 3 <> {shard}"));
            Assert.Equal(0, await CountAsync(database, "chat_message", $"split_part(conversation_id, '-', 1)::bigint % 3 <> {shard}"));
            Assert.Equal(0, await CountAsync(database, "grain_state", $"state_name = 'user' AND grain_id_n1 % 3 <> {shard}"));
            Assert.Equal(2, await CountAsync(database, "chat_user", "true"));
        }

        // A second run finds everything in place and changes nothing.
        Assert.Equal(counts, await SplitAsync(source, shardDatabases));

        await using var after = await ChatTestCluster.StartAsync(shardDatabases, serviceId);
        foreach (var (a, b) in pairs)
        {
            var history = await after.Grains.HistoryAsync(a, b);
            Assert.Equal([1L, 2, 3, 4, 5], history.Select(message => message.Sequence));
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{a}-{b} #{i}"), history.Select(message => message.Content));
        }

        var chatListsAfter = await ChatListsAsync(after, users);
        foreach (var user in users)
        {
            Assert.Equal(
                chatListsBefore[user].Select(line => (line.ConversationId, line.LastMessage.Id, line.UnreadCount, line.ReadUpToSequence)),
                chatListsAfter[user].Select(line => (line.ConversationId, line.LastMessage.Id, line.UnreadCount, line.ReadUpToSequence)));
            Assert.NotNull(await after.Grains.SignInAsync(user, ChatActions.Password));
        }

        for (var shard = 0; shard < ChatTestCluster.ShardCount; shard++)
        {
            var found = await after.Grains.GetGrain<IUserDirectoryGrain>(shard).SearchAsync(marker, users, 10);
            Assert.Equal(users.Where(user => user % 3 == shard).Order(), found.Select(entry => entry.UserId));
        }
    }

    [Fact]
    public async Task Split_ATargetRefusesConnections_FailsNamingItsKeyAndRemovesNothing()
    {
        var (source, shardDatabases) = NewDatabases();
        await using (var cluster = await ChatTestCluster.StartAsync(source))
        {
            var (alice, bob) = (TestIds.User(shard: 1), TestIds.User(shard: 2));
            await cluster.Grains.RegisterAsync(alice);
            await cluster.Grains.RegisterAsync(bob);
            await cluster.Grains.SendAsync(alice, bob, "stays put");
        }

        var unreachable = $"Host=127.0.0.1;Port={FreePort.Next()};Database=whatsapp;Username=postgres;Timeout=3";
        var split = new ShardDatabaseSplit(
            source,
            [("ConnectionStrings:Postgres_0", source), ("ConnectionStrings:Postgres_1", shardDatabases.ByShard[1]), ("ConnectionStrings:Postgres_2", unreachable)],
            TextWriter.Null);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => split.RunAsync(CancellationToken.None));
        Assert.Contains("ConnectionStrings:Postgres_2", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(source, "chat_message", "true"));
        Assert.Equal(2, await CountAsync(source, "chat_user", "true"));
    }

    [Fact]
    public async Task Split_ADatabaseHoldingMedia_IsRefusedAndRemovesNothing()
    {
        var (source, shardDatabases) = NewDatabases();
        var (alice, bob) = (TestIds.User(shard: 1), TestIds.User(shard: 2));
        await using (var cluster = await ChatTestCluster.StartAsync(source))
        {
            await cluster.Grains.RegisterAsync(alice);
            await cluster.Grains.RegisterAsync(bob);
            await cluster.Grains.SendAsync(alice, bob, "a photo follows");
        }

        await using (var connection = new Npgsql.NpgsqlConnection(source))
        {
            await connection.OpenAsync();
            await using var upload = new Npgsql.NpgsqlCommand(
                "INSERT INTO media_upload (service_id, upload_id, conversation_id, owner_user_id, kind, content_type, file_name, length) VALUES ('split', $1, $2, $3, 3, 'image/png', 'photo', 10)",
                connection)
            {
                Parameters = { new() { Value = Guid.NewGuid() }, new() { Value = ConversationId.Direct(alice, bob).ToString() }, new() { Value = alice } },
            };
            await upload.ExecuteNonQueryAsync();
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => SplitAsync(source, shardDatabases));
        Assert.Contains("photos, documents or voice notes", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(source, "chat_message", "true"));
        Assert.Equal(0, await CountAsync(shardDatabases.ByShard[1], "chat_message", "true"));
    }

    /// <summary>A fresh database on each server: the source on server 0, which stays shard 0's database.</summary>
    private (string Source, ShardConnectionStrings Shards) NewDatabases()
    {
        var name = "split_" + Guid.NewGuid().ToString("N")[..8];
        var byShard = databases.Servers.Select(server => server.ConnectionString(name)).ToList();
        return (byShard[0], new ShardConnectionStrings(byShard));
    }

    private async Task<IReadOnlyList<(string Table, int Shard, long Rows)>> SplitAsync(string source, ShardConnectionStrings shardDatabases)
    {
        using var progress = new StringWriter();
        var split = new ShardDatabaseSplit(source, [.. shardDatabases.ByShard.Select((database, shard) => ($"ConnectionStrings:Postgres_{shard}", database))], progress);
        var counts = await split.RunAsync(CancellationToken.None);
        output.WriteLine(progress.ToString());
        return counts;
    }

    private static async Task<Dictionary<long, IReadOnlyList<InboxEntry>>> ChatListsAsync(ChatTestCluster cluster, IEnumerable<long> users)
    {
        var chatLists = new Dictionary<long, IReadOnlyList<InboxEntry>>();
        foreach (var user in users)
        {
            chatLists[user] = await cluster.Grains.ChatListAsync(user);
        }

        return chatLists;
    }

    private static async Task<long> CountAsync(string connectionString, string table, string condition)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {condition}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Silo.Persistence;

namespace WhatsApp.Cluster.Tests;

/// <summary>
/// A database the first version wrote (Fixtures/v1-grain-state.sql: accounts, chat lists, directories and message
/// buckets as grain state) is migrated when the new version's silos start, and keeps every message, chat and account.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FirstVersionMigrationTests(PostgresFixture postgres)
{
    private const string ServiceId = "v1-fixture";
    private const long Ada = 1001, Bob = 1002, Cy = 1003, Dee = 2004;

    [Fact]
    public async Task SilosStart_OnAFirstVersionDatabase_KeepEveryMessageChatListMarkAndAccount()
    {
        var connectionString = await FirstVersionDatabaseAsync();

        await using var cluster = await ChatTestCluster.StartAsync(connectionString, ServiceId);

        Assert.Equal(
            [Line("1001-1002", Bob, 200, Bob, "message 200", unread: 0)],
            Lines(await cluster.Grains.ChatListAsync(Ada)));
        Assert.Equal(
            [Line("1002-1003", Cy, 3, Bob, "hi cy 3", unread: 0), Line("1001-1002", Ada, 200, Bob, "message 200", unread: 0)],
            Lines(await cluster.Grains.ChatListAsync(Bob)));
        Assert.Equal(
            [Line("1003-2004", Dee, 1, Cy, "hello dee", unread: 0), Line("1002-1003", Bob, 3, Bob, "hi cy 3", unread: 0)],
            Lines(await cluster.Grains.ChatListAsync(Cy)));
        Assert.Equal([Line("1003-2004", Cy, 1, Cy, "hello dee", unread: 1)], Lines(await cluster.Grains.ChatListAsync(Dee)));
        var bobsLine = (await cluster.Grains.ChatListAsync(Bob)).Single(entry => entry.ConversationId == "1001-1002");
        Assert.Equal((150L, 200L), (bobsLine.ReadUpToSequence, bobsLine.DeliveredUpToSequence));

        var history = await cluster.Grains.HistoryAsync(Ada, Bob);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"message {i}"), history.Select(message => message.Content));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"m{i}"), history.Select(message => message.ClientMessageId));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => i % 2 == 1 ? Ada : Bob), history.Select(message => message.FromUserId));
        Assert.Equal(MessageStatus.Read, history[148].Status);
        Assert.Equal(MessageStatus.Delivered, history[150].Status);
        Assert.Equal(3, (await cluster.Grains.HistoryAsync(Cy, Bob)).Count);
        Assert.Equal("hello dee", Assert.Single(await cluster.Grains.HistoryAsync(Dee, Cy)).Content);

        Assert.Equal("Ada Lovelace", (await cluster.Grains.SignInAsync(Ada, ChatActions.Password))?.DisplayName);
        Assert.Equal([Dee], (await cluster.Grains.GetGrain<IUserDirectoryGrain>((int)(Dee % 3)).SearchAsync("dee", [Dee], 10)).Select(user => user.UserId));

        // The oldest clientMessageId is still known, and the sequence goes on after the last migrated message.
        var retried = await cluster.Grains.Conversation(Ada, Bob).SendAsync(Ada, "message 1", "m1");
        Assert.True(retried.Value!.WasDuplicate);
        Assert.Equal(1, retried.Value.Message.Sequence);
        Assert.Equal(201, (await cluster.Grains.SendAsync(Bob, Ada, "after the upgrade")).Sequence);

        Assert.Equal(0L, await CountAsync(connectionString, "SELECT count(*) FROM grain_state WHERE state_name IN ('bucket', 'directory')"));
    }

    private async Task<string> FirstVersionDatabaseAsync()
    {
        var connectionString = postgres.Server.ConnectionString("v1_" + Guid.NewGuid().ToString("N")[..8]);
        await new PostgresSchema(connectionString, NullLogger<PostgresSchema>.Instance).MigrateAsync(TimeSpan.FromSeconds(10), upToVersion: 1, CancellationToken.None);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var fixture = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "v1-grain-state.sql"));
        await using var load = new NpgsqlCommand(fixture, connection);
        await load.ExecuteNonQueryAsync();
        return connectionString;
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static (string, long?, long, long, string, long) Line(string conversation, long peer, long lastSequence, long lastFrom, string lastContent, long unread) =>
        (conversation, peer, lastSequence, lastFrom, lastContent, unread);

    private static List<(string, long?, long, long, string, long)> Lines(IReadOnlyList<InboxEntry> entries) =>
        [.. entries.Select(entry => (entry.ConversationId, entry.PeerUserId, entry.LastMessage.Sequence, entry.LastMessage.FromUserId, entry.LastMessage.Content, entry.UnreadCount))];
}

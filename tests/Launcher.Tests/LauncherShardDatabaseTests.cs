using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Launcher.Tests;

/// <summary>./run --databases 3: a PostgreSQL per shard, and a one-database data folder moved into them with --split.</summary>
public sealed class LauncherShardDatabaseTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFolder _data = new();

    [Fact]
    public async Task Run_OneDatabaseFolderThenDatabasesPerShard_RefusesWithoutSplitThenMovesEachShardsRowsAndKeepsTheChat()
    {
        var ports = LauncherPorts.Free();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Gateway}"), Timeout = TimeSpan.FromSeconds(30) };
        var (alice, bob) = (TestIds.User(shard: 1), TestIds.User(shard: 2));
        string aliceToken;
        await using (var oneDatabase = await Launcher.StartAsync(ports, _data.Path))
        {
            aliceToken = await ChatApi.RegisterAsync(http, alice);
            await ChatApi.RegisterAsync(http, bob);
            await ChatApi.SendAsync(http, aliceToken, bob, "written with one database", "shards-1");
            Assert.True(await oneDatabase.StopAsync(TimeSpan.FromSeconds(90)), "./run did not stop on Ctrl-C");
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Launcher.StartAsync(ports, _data.Path, "--databases", "3"));
        Assert.Contains("./run --databases 3 --split", refused.Message, StringComparison.Ordinal);

        await using var perShard = await Launcher.StartAsync(ports, _data.Path, "--databases", "3", "--split");
        try
        {
            Assert.Contains("every row verified in its shard's database", perShard.Output, StringComparison.Ordinal);
            Assert.Contains("written with one database", await ChatApi.HistoryAsync(http, aliceToken, alice, bob), StringComparison.Ordinal);
            await ChatApi.SendAsync(http, aliceToken, bob, "written with a database per shard", "shards-2");

            // The conversation lives on alice's shard (the lower id's); each user's directory row on their own.
            var conversation = $"{Math.Min(alice, bob)}-{Math.Max(alice, bob)}";
            var conversationShard = (int)(Math.Min(alice, bob) % 3);
            for (var shard = 0; shard < 3; shard++)
            {
                var port = ports.Postgres + shard;
                Assert.Equal(shard == conversationShard ? "2" : "0", await StoreLockdown.QueryAsSuperuserAsync(_data.Path, port, $"SELECT count(*) FROM chat_message WHERE conversation_id = '{conversation}'"));
                Assert.Equal(shard is 1 or 2 ? "1" : "0", await StoreLockdown.QueryAsSuperuserAsync(_data.Path, port, $"SELECT count(*) FROM chat_user WHERE user_id IN ({alice}, {bob})"));
            }
        }
        finally
        {
            Assert.True(await perShard.StopAsync(TimeSpan.FromSeconds(90)), "./run did not stop on Ctrl-C");
            output.WriteLine(perShard.Output);
        }

        Assert.Contains("stopped PostgreSQL 2", perShard.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace WhatsApp.Launcher.Tests;

/// <summary>./run --databases 3: a PostgreSQL per shard, and a one-database data folder moved into them with --split.</summary>
[Trait(TestCategories.Name, TestCategories.System)]
public sealed class LauncherShardDatabaseTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFolder _data = new();

    [Fact]
    public async Task Run_OneDatabaseFolderThenDatabasesPerShard_RefusesWithoutSplitThenMovesEachShardsRowsAndKeepsTheChat()
    {
        var ports = LauncherPorts.Free();
        var gateway = new Uri($"http://127.0.0.1:{ports.Gateway}");
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        using var anonymous = new ChatApi(gateway);
        var (alice, bob) = (TestIds.User(shard: 1), TestIds.User(shard: 2));
        ChatApi asAlice;
        await using (var oneDatabase = await RunScript.StartAsync(ports, _data.Path))
        {
            (asAlice, _) = await anonymous.RegisterAsync(alice);
            (await anonymous.RegisterAsync(bob)).Api.Dispose();
            await asAlice.SendAsync(bob, "written with one database", "shards-1");
            Assert.True(await oneDatabase.StopAsync(TimeSpan.FromSeconds(90)), "./run did not stop on Ctrl-C");
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => RunScript.StartAsync(ports, _data.Path, "--databases", "3"));
        Assert.Contains("./run --databases 3 --split", refused.Message, StringComparison.Ordinal);

        await using var perShard = await RunScript.StartAsync(ports, _data.Path, "--databases", "3", "--split");
        try
        {
            Assert.Contains("every row verified in its shard's database", perShard.Output, StringComparison.Ordinal);
            Assert.Contains("written with one database", (await asAlice.HistoryAsync(alice, bob)).Messages.Select(message => message.Content));
            await asAlice.SendAsync(bob, "written with a database per shard", "shards-2");

            // The conversation lives on alice's shard (the lower id's); each user's directory row on their own.
            var conversation = TestIds.Conversation(alice, bob);
            var conversationShard = (int)(Math.Min(alice, bob) % 3);
            for (var shard = 0; shard < 3; shard++)
            {
                var port = ports.Postgres + shard;
                Assert.Equal(shard == conversationShard ? "2" : "0", await StoreLockdown.QueryAsSuperuserAsync(_data.Path, port, $"SELECT count(*) FROM chat_message WHERE conversation_id = '{conversation}'"));
                Assert.Equal(shard is 1 or 2 ? "1" : "0", await StoreLockdown.QueryAsSuperuserAsync(_data.Path, port, $"SELECT count(*) FROM chat_user WHERE user_id IN ({alice}, {bob})"));
            }

            // The Cluster panel's database buttons, through the launcher's control endpoint on loopback: refused without
            // the secret ./run generated, then shard 1's database (the conversation's) stopped and started with it.
            using var control = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Control}"), Timeout = TimeSpan.FromSeconds(100) };
            using (var withoutSecret = await control.PostAsync("/control/databases/1/stop", content: null))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, withoutSecret.StatusCode);
            }

            control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(_data.Path, "secrets", "launcher-control"))).Trim());
            await ControlAsync(control, "/control/databases/1/stop");
            await DatabaseStatusAsync(http, shard: 1, "down");
            await ControlAsync(control, "/control/databases/1/start");
            await DatabaseStatusAsync(http, shard: 1, "up");
            await Eventually.SucceedsAsync(async () =>
            {
                await asAlice.SendAsync(bob, "written after the database came back", "shards-3");
                return true;
            }, TimeSpan.FromSeconds(30), "a send once shard 1's database is back");
        }
        finally
        {
            asAlice.Dispose();
            Assert.True(await perShard.StopAsync(TimeSpan.FromSeconds(90)), "./run did not stop on Ctrl-C");
            output.WriteLine(perShard.Output);
        }

        Assert.Contains("stopped PostgreSQL 2", perShard.Output, StringComparison.Ordinal);
    }

    private static async Task ControlAsync(HttpClient control, string path)
    {
        using var answer = await control.PostAsync(path, content: null);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
    }

    private static Task<string?> DatabaseStatusAsync(HttpClient http, int shard, string status) => Eventually.ReturnsAsync(
        async () => (await http.GetFromJsonAsync<JsonElement>("/api/health/shards"))[shard].GetProperty("databaseStatus").GetString(),
        seen => seen == status,
        TimeSpan.FromSeconds(30),
        $"shard {shard}'s database {status} in the shards' health");

    public void Dispose() => _data.Dispose();
}

using System.Net;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>What a user sees while one shard's database is down (search across shards, the shard panel): a system of its own.</summary>
public sealed class ShardDatabaseOutageTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task OneShardsDatabaseDown_SearchAnswersFromTheOthersAndTheShardPanelShowsWhichDatabaseIsDown()
    {
        await using var system = await ChatSystem.StartAsync(databasePerShard: true);
        try
        {
            using var anonymous = new ChatApi(system.GatewayUrl);
            var marker = "Fanout" + Guid.NewGuid().ToString("N")[..6];
            var users = new List<long>();
            ChatApi? searcher = null;
            for (var shard = 0; shard < ChatSystem.ShardCount; shard++)
            {
                var (api, auth) = await anonymous.RegisterAsync(TestIds.User(shard), $"{marker} {shard}");
                users.Add(auth.UserId);
                searcher ??= api;
            }

            using (searcher)
            {
                Assert.Equal(users, await SearchAsync(searcher!, marker, expectedUnanswered: null));
                var healthy = await searcher!.GetJsonAsync<List<ShardView>>("/api/health/shards");
                Assert.Equal(["up", "up", "up"], healthy.Select(shard => shard.DatabaseStatus));
                Assert.Equal(
                    system.Databases.Select(database => $"127.0.0.1:{database.Port}/whatsapp"),
                    healthy.Select(shard => shard.Database));

                await system.Databases[1].StopServerAsync();
                Assert.Equal([users[0], users[2]], await SearchAsync(searcher!, marker, expectedUnanswered: "1"));
                // The shards' health is a snapshot of up to a second: poll for the change.
                var oneDown = await Eventually.ReturnsAsync(
                    () => searcher!.GetJsonAsync<List<ShardView>>("/api/health/shards"),
                    shards => shards.Any(shard => shard.DatabaseStatus != "up"),
                    TimeSpan.FromSeconds(30),
                    "a database down in the shard panel");
                Assert.Equal(["up", "down", "up"], oneDown.Select(shard => shard.DatabaseStatus));
                Assert.Equal(["active", "active", "active"], oneDown.Select(shard => shard.Status));

                await system.Databases[1].StartServerAsync();
                await Eventually.ReturnsAsync(
                    () => SearchAsync(searcher!, marker, expectedUnanswered: null),
                    found => found.SequenceEqual(users),
                    TimeSpan.FromSeconds(30),
                    "every shard answering the search again");
                await Eventually.ReturnsAsync(
                    () => searcher!.GetJsonAsync<List<ShardView>>("/api/health/shards"),
                    shards => shards.All(shard => shard.DatabaseStatus == "up"),
                    TimeSpan.FromSeconds(30),
                    "shard 1's database up again in the shard panel");
            }
        }
        catch
        {
            output.WriteLine(system.Logs());
            throw;
        }
    }

    private static async Task<List<long>> SearchAsync(ChatApi api, string query, string? expectedUnanswered)
    {
        using var response = await api.GetAsync($"/api/users?query={query}");
        var found = await ChatApi.ReadAsync<List<UserView>>(response, HttpStatusCode.OK);
        Assert.Equal(expectedUnanswered, response.Headers.TryGetValues("Search-Unanswered-Shards", out var values) ? string.Join(',', values) : null);
        return [.. found.Select(user => user.UserId)];
    }
}

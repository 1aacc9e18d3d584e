using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>What a user sees while one shard's database is down (search across shards, the shard panel, opening a tab): a system of its own.</summary>
public sealed class ShardDatabaseOutageTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task OneShardsDatabaseDown_SearchAnswersFromTheOthersTheShardPanelShowsItAndATabThatCannotSubscribeLeavesNothing()
    {
        await using var system = await ChatSystem.StartAsync(databasePerShard: true);
        try
        {
            using var anonymous = new ChatApi(system.GatewayUrl);
            var marker = "Fanout" + Guid.NewGuid().ToString("N")[..6];
            var users = new List<long>();
            var tokens = new List<string>();
            var apis = new List<ChatApi>();
            for (var shard = 0; shard < ChatSystem.ShardCount; shard++)
            {
                var (api, auth) = await anonymous.RegisterAsync(TestIds.User(shard), $"{marker} {shard}");
                users.Add(auth.UserId);
                tokens.Add(auth.Token);
                apis.Add(api);
            }

            var searcher = apis[0];
            try
            {
                // A name finds the people of the searcher's chats: write to the users of the other shards first.
                foreach (var other in users.Skip(1))
                {
                    await searcher.SendAsync(other, "hello");
                }

                Assert.Equal(users, await SearchAsync(searcher, marker, expectedUnanswered: null));
                var healthy = await searcher.GetJsonAsync<List<ShardView>>("/api/health/shards");
                Assert.Equal(["up", "up", "up"], healthy.Select(shard => shard.DatabaseStatus));
                Assert.Equal(["database 0", "database 1", "database 2"], healthy.Select(shard => shard.Database));
                // Where they are is the operator's to know: on the dashboard's port, not the API's.
                using var operatorPort = new HttpClient { BaseAddress = system.DashboardUrls[0] };
                var addressed = await operatorPort.GetFromJsonAsync<List<ShardView>>("/operator/shards", ContractJson.Options);
                Assert.Equal(
                    system.Databases.Select(database => $"127.0.0.1:{database.Port}/whatsapp"),
                    addressed!.Select(shard => shard.Addresses!.Database));

                await system.Databases[1].StopServerAsync();
                Assert.Equal([users[0], users[2]], await SearchAsync(searcher, marker, expectedUnanswered: "1"));
                // Someone whose people all live on shards 0 and 2 is not told of shard 1: it could not have answered
                // them. A whole number is looked up on its own shard only.
                Assert.Equal([users[0], users[2]], await SearchAsync(apis[2], marker, expectedUnanswered: null));
                Assert.Equal([users[0]], await SearchAsync(apis[2], users[0].ToString(CultureInfo.InvariantCulture), expectedUnanswered: null));
                Assert.Empty(await SearchAsync(apis[2], users[1].ToString(CultureInfo.InvariantCulture), expectedUnanswered: "1"));
                // The shards' health is a snapshot of up to a second: poll for the change.
                var oneDown = await Eventually.ReturnsAsync(
                    () => searcher.GetJsonAsync<List<ShardView>>("/api/health/shards"),
                    shards => shards.Any(shard => shard.DatabaseStatus != "up"),
                    TimeSpan.FromSeconds(30),
                    "a database down in the shard panel");
                Assert.Equal(["up", "down", "up"], oneDown.Select(shard => shard.DatabaseStatus));
                Assert.Equal(["active", "active", "active"], oneDown.Select(shard => shard.Status));

                // Shard 1's user grain is active, so their token checks out, but it cannot store a new listener: the tab
                // is refused and nothing of it stays in the gateway, which holds no other tab.
                await Assert.ThrowsAnyAsync<Exception>(() => HubSession.ConnectAsync(system.GatewayUrl, tokens[1]));
                await Eventually.ReturnsAsync(
                    () => PrometheusSample.ScrapeAsync(system.GatewayUrl),
                    samples => PrometheusSample.Total(samples, "whatsapp_gateway_hub_connections") == 0 && PrometheusSample.Total(samples, "whatsapp_gateway_connected_users") == 0,
                    TimeSpan.FromSeconds(30), "no connection or listener left in the gateway after the refused tab");

                await system.Databases[1].StartServerAsync();
                await Eventually.ReturnsAsync(
                    () => SearchAsync(searcher, marker, expectedUnanswered: null),
                    found => found.SequenceEqual(users),
                    TimeSpan.FromSeconds(30),
                    "every shard answering the search again");
                await Eventually.ReturnsAsync(
                    () => searcher.GetJsonAsync<List<ShardView>>("/api/health/shards"),
                    shards => shards.All(shard => shard.DatabaseStatus == "up"),
                    TimeSpan.FromSeconds(30),
                    "shard 1's database up again in the shard panel");

                // The same user's next tab subscribes afresh and gets their messages.
                await using var tab = await HubSession.ConnectAsync(system.GatewayUrl, tokens[1]);
                var message = await searcher.SendAsync(users[1], "after the outage");
                await tab.NextAsync<Message>(pushed => pushed.Id == message.Id);
            }
            finally
            {
                apis.ForEach(api => api.Dispose());
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

using System.Net;
using System.Text.Json;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class OperationsTests(ChatSystemFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] ContractPaths =
    [
        "/api/auth/register", "/api/auth/login", "/api/users", "/api/users/{userId}", "/api/messages",
        "/api/messages/{userId}", "/api/conversations", "/api/conversations/{a}/{b}",
        "/api/conversations/{conversationId}/read", "/api/health/shards", "/healthz",
        "/api/groups", "/api/groups/{groupId}", "/api/groups/{groupId}/name", "/api/groups/{groupId}/members",
        "/api/groups/{groupId}/members/{userId}", "/api/groups/{groupId}/admins/{userId}", "/api/groups/{groupId}/messages",
        "/api/conversations/{conversationId}/messages/{sequence}/info", "/api/conversations/{conversationId}/messages/{sequence}/path",
        "/api/conversations/{conversationId}/messages/{sequence}",
        "/api/conversations/{conversationId}/messages/{sequence}/reaction",
    ];

    [Fact]
    public async Task Healthz_ClusterReachable_Answers200()
    {
        using var anonymous = fixture.Api();

        using var response = await anonymous.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthShards_ThreeRunningSilos_ShowEachShardActiveWithItsSiloAndActivations()
    {
        using var anonymous = fixture.Api();
        var (api, auth) = await anonymous.RegisterAsync();
        api.Dispose();

        var shards = await anonymous.GetJsonAsync<List<ShardView>>("/api/health/shards");

        Assert.Equal([0, 1, 2], shards.Select(shard => shard.Shard));
        Assert.All(shards, shard =>
        {
            Assert.Equal("active", shard.Status);
            Assert.False(string.IsNullOrEmpty(shard.Silo));
            Assert.Equal(shard.Silo, shard.ServedBy);
        });
        Assert.Equal(3, shards.Select(shard => shard.Silo).Distinct().Count());
        Assert.True(shards[(int)(auth.UserId % 3)].Activations > 0);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesEveryEndpointOfTheContract()
    {
        using var anonymous = fixture.Api();

        using var document = JsonDocument.Parse(await (await anonymous.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync());

        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToHashSet();
        Assert.Empty(ContractPaths.Except(paths));
    }

    [Fact]
    public async Task Tokens_UsedInHeadersAndInTheHubQueryString_NeverReachTheLogs()
    {
        // A gateway of its own, stopped before its log is read: the log is then complete, so what is not in it was never
        // logged (no waiting for the output to arrive). It is started again for the tests after this one.
        var url = await fixture.System.StartGatewayAsync();
        var index = fixture.System.GatewayUrls.ToList().IndexOf(url);
        using var anonymous = new ChatApi(url);
        var (api, auth) = await anonymous.RegisterAsync();
        await api.InboxAsync();
        await using (await HubSession.ConnectAsync(url, auth.Token))
        {
            // The .NET client sends the token in a header; browsers put it in the query string, as here.
            using var http = new HttpClient { BaseAddress = url };
            using var negotiate = await http.PostAsync($"/hubs/chat/negotiate?negotiateVersion=1&access_token={auth.Token}", null);
            Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        }

        api.Dispose();
        await fixture.System.StopGatewayAsync(index, graceful: true);
        var log = fixture.System.Gateways[index].Output;
        await fixture.System.StartGatewayAgainAsync(index);

        var signature = auth.Token[(auth.Token.LastIndexOf('.') + 1)..];
        Assert.DoesNotContain(signature, log, StringComparison.Ordinal);
        Assert.Contains("Now listening", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://evil.example", false)]
    public async Task Cors_Preflight_AllowsOnlyTheConfiguredClientOrigin(string origin, bool allowed)
    {
        using var http = new HttpClient { BaseAddress = fixture.System.GatewayUrl };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/messages");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        using var response = await http.SendAsync(preflight);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var origins) && origins.Single() == origin);
    }

    [Fact]
    public async Task Sends_BurstBeyondTheUsersAllowance_AreRefusedWith429AndNothingFails()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();

        // A wave of more sends than the burst allows, at once. A slow machine may take longer over a wave than the
        // bucket takes to refill, so waves go on until one is refused (within a bound).
        var responses = new List<HttpResponseMessage>();
        for (var wave = 0; wave < 10 && !responses.Any(response => response.StatusCode == HttpStatusCode.TooManyRequests); wave++)
        {
            responses.AddRange(await Task.WhenAll(Enumerable.Range(0, TestHostSettings.SharedSendBurst + 100)
                .Select(i => alice.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, content = $"flood {wave}.{i}" }))));
        }

        var statuses = responses.Select(response => (int)response.StatusCode).ToList();
        Assert.All(statuses, status => Assert.True(status is 201 or 429, $"status {status}"));
        var refused = responses.Where(response => response.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, response => Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType));
        Assert.True(refused[0].Headers.Contains("Retry-After"));
        var stored = (await bob.HistoryAsync(aliceAuth.UserId, bobAuth.UserId, limit: 100)).Messages;
        Assert.Equal(statuses.Count(status => status == 201), (int)stored[^1].Sequence);
        bob.Dispose();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        alice.Dispose();
    }

    [Fact]
    public async Task TwoGateways_OnOneCluster_BothDeliverEveryEvent()
    {
        if (fixture.System.Gateways.Count < 2)
        {
            await fixture.System.StartGatewayAsync();
        }

        var (first, second) = (fixture.System.GatewayUrls[0], fixture.System.GatewayUrls[1]);
        using var anonymous = fixture.Api();
        var (alice, _) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        await using var bobOnSecond = await HubSession.ConnectAsync(second, bobAuth.Token);
        await using var bobOnFirst = await HubSession.ConnectAsync(first, bobAuth.Token);

        var sent = await alice.SendAsync(bobAuth.UserId, "whichever gateway you are on");

        try
        {
            Assert.Equal(sent, await bobOnSecond.NextAsync<Message>());
            Assert.Equal(sent, await bobOnFirst.NextAsync<Message>());
        }
        catch
        {
            output.WriteLine(fixture.System.Logs());
            throw;
        }

        alice.Dispose();
    }
}

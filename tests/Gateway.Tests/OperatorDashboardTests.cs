using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using WhatsApp.Gateway.Tests.Infrastructure;

namespace WhatsApp.Gateway.Tests;

/// <summary>The Orleans dashboard shows grain state and live logs: only an operator on the gateway's machine reaches it.</summary>
[Collection(ChatSystemCollection.Name)]
public sealed class OperatorDashboardTests(ChatSystemFixture fixture)
{
    private Uri DashboardUrl => fixture.System.DashboardUrls[0];

    [Fact]
    public async Task ApiPort_Dashboard_Answers404EvenWithTheDashboardsHostHeader()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.GatewayUrl };
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        spoofed.Headers.Host = DashboardUrl.Authority;

        using var plain = await http.GetAsync("/dashboard/");
        using var withHostHeader = await http.SendAsync(spoofed);

        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withHostHeader.StatusCode);
        Assert.Equal("application/problem+json", plain.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task DashboardPort_ServesTheDashboard_AndNothingOfTheApi()
    {
        using var http = new HttpClient();

        using var dashboard = await http.GetAsync(DashboardUrl);
        using var health = await http.GetAsync(new Uri(DashboardUrl, "/healthz"));
        using var metrics = await http.GetAsync(new Uri(DashboardUrl, "/metrics"));

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal("text/html", dashboard.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
    }

    [Fact]
    public async Task ShardAddresses_OnlyOnTheDashboardsPort_TheApiPortNamesSilosAndDatabasesWithoutThem()
    {
        using var api = new HttpClient { BaseAddress = fixture.System.GatewayUrl };
        using var operatorPort = new HttpClient { BaseAddress = DashboardUrl };

        var shardsForAnyone = await api.GetStringAsync("/api/health/shards");
        var shardsForTheOperator = await operatorPort.GetFromJsonAsync<List<ShardView>>("/operator/shards", ContractJson.Options);
        using var operatorPathOnTheApiPort = await api.GetAsync("/operator/shards");

        Assert.DoesNotContain("127.0.0.1", shardsForAnyone, StringComparison.Ordinal);
        Assert.DoesNotContain("addresses", shardsForAnyone, StringComparison.Ordinal);
        Assert.All(shardsForTheOperator!, shard =>
        {
            Assert.StartsWith("127.0.0.1:", shard.Addresses!.Silo, StringComparison.Ordinal);
            Assert.Matches(@"^shard-\d@\d+$", shard.Silo);
            Assert.StartsWith("127.0.0.1:", shard.Addresses!.Database, StringComparison.Ordinal);
        });
        Assert.Equal(HttpStatusCode.NotFound, operatorPathOnTheApiPort.StatusCode);
    }

    [Fact]
    public async Task DashboardPort_ReachedByAnotherSitesName_IsRefused_ItsOwnNamesServe()
    {
        using var http = new HttpClient();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, DashboardUrl);
        rebound.Headers.Host = $"attacker.example:{DashboardUrl.Port}";
        using var byName = new HttpRequestMessage(HttpMethod.Get, DashboardUrl);
        byName.Headers.Host = $"localhost:{DashboardUrl.Port}";

        using var refused = await http.SendAsync(rebound);
        using var served = await http.SendAsync(byName);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("Orleans", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public void DashboardPort_ByDefault_ListensOnLoopbackOnly()
    {
        // The test system sets only Dashboard__Port, so this is the default address.
        var listeners = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners()
            .Where(listener => listener.Port == DashboardUrl.Port)
            .ToList();

        Assert.NotEmpty(listeners);
        Assert.All(listeners, listener => Assert.True(IPAddress.IsLoopback(listener.Address), $"listens on {listener}"));
    }
}

using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>The password hash: run by the gateway, as long for an unknown id as for a wrong password, upgraded when stored cheaper.</summary>
[Collection(ChatSystemCollection.Name)]
public sealed class PasswordHashTests(ChatSystemFixture fixture)
{
    [Fact]
    public async Task Login_UnknownOrImpossibleId_TakesAboutAsLongAsAWrongPassword()
    {
        var gateway = await fixture.CostlyHashGatewayAsync();
        using var client = new ChatApi(gateway, clientAddress: ChatApi.FreshClientAddress());
        var (api, auth) = await client.RegisterAsync();
        api.Dispose();

        var wrongPassword = await TimedLoginsAsync(client, () => auth.UserId);
        var unknownId = await TimedLoginsAsync(client, () => TestIds.User());
        var impossibleId = await TimedLoginsAsync(client, () => 1_000_000_000_000_000);

        // A wrong password costs one hash of 200,000 iterations (hundreds of milliseconds here); without one, a login
        // takes a few milliseconds. Loose on purpose, as the machine is shared: each login without an account took at
        // least a quarter of the typical wrong-password login.
        var oneHash = wrongPassword.Order().ElementAt(1);
        Assert.All(unknownId.Concat(impossibleId), elapsed => Assert.True(
            elapsed >= oneHash / 4,
            $"a login without an account took {elapsed.TotalMilliseconds:F0} ms; one with a wrong password {oneHash.TotalMilliseconds:F0} ms"));
    }

    [Fact]
    public async Task Login_WithAHashStoredAtALowerCost_SucceedsAndStoresTheCostlierHashOnce()
    {
        var costly = await fixture.CostlyHashGatewayAsync();
        using var cheapGateway = fixture.Api();
        using var costlyGateway = new ChatApi(costly);

        // Registered through the first gateway: stored at the tests' cheap cost, as accounts from before a cost rise are.
        var (api, auth) = await cheapGateway.RegisterAsync();
        api.Dispose();
        await LoginAsync(costlyGateway, auth.UserId, HttpStatusCode.OK);
        await LoginAsync(costlyGateway, auth.UserId, HttpStatusCode.OK);
        await LoginAsync(cheapGateway, auth.UserId, HttpStatusCode.OK); // a stored hash costlier than configured works too

        var upgrades = Regex.Matches(
            fixture.System.Gateways[fixture.System.GatewayUrls.ToList().IndexOf(costly)].Output,
            $"Upgraded the password hash of user {auth.UserId} from 1000 to {ChatSystemFixture.CostlyHashIterations} iterations");
        Assert.Single(upgrades);
    }

    private static async Task LoginAsync(ChatApi client, long userId, HttpStatusCode expected)
    {
        using var response = await client.PostJsonAsync("/api/auth/login", new { userId, password = ChatApi.Password });
        Assert.Equal(expected, response.StatusCode);
    }

    /// <summary>Three failed logins (within the free failures of an account and an address), timed one by one.</summary>
    private static async Task<List<TimeSpan>> TimedLoginsAsync(ChatApi client, Func<long> userId)
    {
        var times = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.PostJsonAsync("/api/auth/login", new { userId = userId(), password = "not the password" });
            clock.Stop();
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            times.Add(clock.Elapsed);
        }

        return times;
    }
}

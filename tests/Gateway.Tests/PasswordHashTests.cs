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
    public async Task Login_UnknownOrImpossibleId_CostsTheGatewayTheSameHashAsAWrongPassword()
    {
        var gateway = await fixture.CostlyHashGatewayAsync();
        using var client = new ChatApi(gateway, clientAddress: ChatApi.FreshClientAddress());
        var (api, auth) = await client.RegisterAsync();
        api.Dispose();

        // The time of an answer must not tell which numbers are registered, so each failed login costs one hash at the
        // configured cost, counted by the gateway in PBKDF2 iterations: exact, where timing the logins would be noise.
        foreach (var (what, userId) in new (string, long)[] { ("wrong password", auth.UserId), ("unknown id", TestIds.User()), ("impossible id", 1_000_000_000_000_000) })
        {
            var before = await HashIterationsAsync(gateway);
            await LoginAsync(client, userId, HttpStatusCode.Unauthorized, password: "not the password");
            await Eventually.ReturnsAsync(
                () => HashIterationsAsync(gateway), iterations => iterations >= before + ChatSystemFixture.CostlyHashIterations,
                TimeSpan.FromSeconds(30), $"the hash of a failed login ({what}) in the gateway's metrics");
            Assert.Equal(before + ChatSystemFixture.CostlyHashIterations, await HashIterationsAsync(gateway));
        }
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

    private static async Task LoginAsync(ChatApi client, long userId, HttpStatusCode expected, string password = ChatApi.Password)
    {
        using var response = await client.PostJsonAsync("/api/auth/login", new { userId, password });
        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task<double> HashIterationsAsync(Uri gateway) =>
        PrometheusSample.Total(await PrometheusSample.ScrapeAsync(gateway), "whatsapp_gateway_password_hash_iterations_total");
}

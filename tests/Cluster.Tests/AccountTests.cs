using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>What the user grain keeps of an account: the stored hash (checked by the gateway, never on the grain's turn) and the token version.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountTests(PostgresFixture postgres)
{
    [Fact]
    public async Task GetCredentialsAsync_RegisteredOrUnknownUser_HandsOutTheStoredHashOrNothing()
    {
        var cluster = await postgres.SharedClusterAsync();
        var userId = TestIds.User();
        await cluster.Grains.RegisterAsync(userId, "Ada");

        var credentials = await cluster.Grains.GetGrain<IUserGrain>(userId).GetCredentialsAsync();
        var unknown = await cluster.Grains.GetGrain<IUserGrain>(TestIds.User()).GetCredentialsAsync();

        Assert.NotNull(credentials);
        Assert.Equal(("Ada", 0), (credentials.Profile.DisplayName, credentials.TokenVersion));
        Assert.True(credentials.Password.SameAs(ChatActions.PasswordHash));
        Assert.Null(unknown);
    }

    [Fact]
    public async Task UpgradePasswordHashAsync_FromTheHashTheCallerChecked_StoresTheCostlierHash()
    {
        var cluster = await postgres.SharedClusterAsync();
        var userId = TestIds.User();
        await cluster.Grains.RegisterAsync(userId);
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        var upgraded = PasswordHash.Create(ChatActions.Password, ChatActions.TestHashIterations * 2);

        await user.UpgradePasswordHashAsync(ChatActions.PasswordHash, upgraded);

        var stored = (await user.GetCredentialsAsync())!.Password;
        Assert.True(stored.SameAs(upgraded));
        Assert.Equal(ChatActions.TestHashIterations * 2, stored.Iterations);
        Assert.NotNull(await cluster.Grains.SignInAsync(userId, ChatActions.Password));
    }

    [Fact]
    public async Task UpgradePasswordHashAsync_FromAHashThatIsNoLongerStored_ChangesNothing()
    {
        var cluster = await postgres.SharedClusterAsync();
        var userId = TestIds.User();
        await cluster.Grains.RegisterAsync(userId);
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);
        var stale = PasswordHash.Create(ChatActions.Password, ChatActions.TestHashIterations);

        await user.UpgradePasswordHashAsync(stale, PasswordHash.Create("someone else's password", ChatActions.TestHashIterations * 2));

        Assert.True((await user.GetCredentialsAsync())!.Password.SameAs(ChatActions.PasswordHash));
    }

    [Fact]
    public async Task RevokeTokensAsync_EachCall_BumpsTheTokenVersionThatCredentialsCarry()
    {
        var cluster = await postgres.SharedClusterAsync();
        var userId = TestIds.User();
        await cluster.Grains.RegisterAsync(userId);
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);

        await user.RevokeTokensAsync();
        await user.RevokeTokensAsync();

        Assert.Equal(2, await user.GetTokenVersionAsync());
        Assert.Equal(2, (await user.GetCredentialsAsync())!.TokenVersion);
    }
}

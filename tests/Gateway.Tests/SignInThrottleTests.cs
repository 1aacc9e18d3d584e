using System.Net;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// Password guessing is slowed per account and address, and per address, with waits that grow, and never locks the
/// owner out. Each test comes from loopback addresses of its own (127.x.y.z), so the gateway sees clients that no other
/// test shares.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class SignInThrottleTests(ChatSystemFixture fixture)
{
    // The shipped defaults, which the shared gateway keeps.
    private const int FreeFailuresPerAccount = 5;
    private const int FreeFailuresPerAddress = 20;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Login_WrongPasswordsForOneAccount_Answer429WithAGrowingRetryAfterToTheGuesser_WhileTheOwnerStillSignsIn()
    {
        using var guesser = new ChatApi(fixture.System.GatewayUrl, clientAddress: ChatApi.FreshClientAddress());
        using var owner = new ChatApi(fixture.System.GatewayUrl, clientAddress: ChatApi.FreshClientAddress());
        var (api, auth) = await guesser.RegisterAsync();
        api.Dispose();

        // The free failures, and the one that starts the first wait, are plain 401s.
        for (var attempt = 0; attempt <= FreeFailuresPerAccount; attempt++)
        {
            using var wrong = await LoginAsync(guesser, auth.UserId, "not the password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var firstWait = await RetryAfterOfThrottledLoginAsync(guesser, auth.UserId, "not the password");
        using (var meanwhileTheOwner = await LoginAsync(owner, auth.UserId, ChatApi.Password))
        {
            // The lock-out attack: the guesser's failures count for the account from the guesser's address, not the owner's.
            Assert.Equal(HttpStatusCode.OK, meanwhileTheOwner.StatusCode);
        }

        using (var afterTheWait = await LoginWhenAllowedAsync(guesser, auth.UserId, "not the password"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, afterTheWait.StatusCode);
        }

        var secondWait = await RetryAfterOfThrottledLoginAsync(guesser, auth.UserId, "not the password");
        Assert.True(secondWait > firstWait, $"the wait did not grow: {firstWait} s, then {secondWait} s");

        using (var right = await LoginWhenAllowedAsync(guesser, auth.UserId, ChatApi.Password))
        {
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }

        // The success cleared the account from that address: a wrong password is a plain 401 again, with no wait before it.
        using var wrongAgain = await LoginAsync(guesser, auth.UserId, "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAgain.StatusCode);
    }

    [Fact]
    public async Task Login_GuessesSpreadOverTwoGateways_CountTogether_WhileTheOwnerSignsInThroughEither()
    {
        var otherGateway = await fixture.CostlyHashGatewayAsync();
        var guessersAddress = ChatApi.FreshClientAddress();
        using var guesserHere = new ChatApi(fixture.System.GatewayUrl, clientAddress: guessersAddress);
        using var guesserThere = new ChatApi(otherGateway, clientAddress: guessersAddress);
        using var ownerThere = new ChatApi(otherGateway, clientAddress: ChatApi.FreshClientAddress());
        var (api, auth) = await guesserHere.RegisterAsync();
        api.Dispose();

        // Half the guesses through each gateway: each alone has seen fewer than the free failures.
        for (var attempt = 0; attempt <= FreeFailuresPerAccount; attempt++)
        {
            using var wrong = await LoginAsync(attempt % 2 == 0 ? guesserHere : guesserThere, auth.UserId, "not the password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        await RetryAfterOfThrottledLoginAsync(guesserHere, auth.UserId, "not the password");
        await RetryAfterOfThrottledLoginAsync(guesserThere, auth.UserId, "not the password");
        using var owner = await LoginAsync(ownerThere, auth.UserId, ChatApi.Password);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Fact]
    public async Task Login_OneGuessEachAtManyAccountsFromOneAddress_ThrottlesThatAddressOnly()
    {
        using var sprayer = new ChatApi(fixture.System.GatewayUrl, clientAddress: ChatApi.FreshClientAddress());
        using var bystander = new ChatApi(fixture.System.GatewayUrl, clientAddress: ChatApi.FreshClientAddress());
        for (var attempt = 0; attempt <= FreeFailuresPerAddress; attempt++)
        {
            using var wrong = await LoginAsync(sprayer, TestIds.User(), ChatApi.Password);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var untouchedAccount = TestIds.User();
        using var fromTheSprayer = await LoginAsync(sprayer, untouchedAccount, ChatApi.Password);
        using var fromElsewhere = await LoginAsync(bystander, untouchedAccount, ChatApi.Password);

        var problem = await ChatApi.ReadAsync<Problem>(fromTheSprayer, HttpStatusCode.TooManyRequests);
        Assert.Equal("SignInThrottled", problem.Code);
        Assert.True(fromTheSprayer.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "no Retry-After in seconds");
        Assert.Equal(HttpStatusCode.Unauthorized, fromElsewhere.StatusCode);
    }

    [Fact]
    public async Task Register_TakenIdsAgainAndAgain_AreThrottledLikeWrongPasswords()
    {
        using var prober = new ChatApi(fixture.System.GatewayUrl, clientAddress: ChatApi.FreshClientAddress());
        var (api, auth) = await prober.RegisterAsync();
        api.Dispose();

        for (var attempt = 0; attempt <= FreeFailuresPerAccount; attempt++)
        {
            using var taken = await RegisterAgainAsync(prober, auth.UserId);
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }

        using var throttled = await RegisterAgainAsync(prober, auth.UserId);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter?.Delta);
    }

    private static Task<HttpResponseMessage> LoginAsync(ChatApi client, long userId, string password) =>
        client.PostJsonAsync("/api/auth/login", new { userId, password });

    private static Task<HttpResponseMessage> RegisterAgainAsync(ChatApi client, long userId) =>
        client.PostJsonAsync("/api/auth/register", new { userId, displayName = "Impostor", password = "another password" });

    private static async Task<int> RetryAfterOfThrottledLoginAsync(ChatApi client, long userId, string password)
    {
        using var throttled = await LoginAsync(client, userId, password);
        var problem = await ChatApi.ReadAsync<Problem>(throttled, HttpStatusCode.TooManyRequests);
        Assert.Equal("SignInThrottled", problem.Code);
        return (int)(throttled.Headers.RetryAfter?.Delta?.TotalSeconds ?? throw new Xunit.Sdk.XunitException("no Retry-After in seconds"));
    }

    /// <summary>Tries until the wait is over (each throttled try costs nothing and counts for nothing) and returns the first real answer.</summary>
    private static Task<HttpResponseMessage> LoginWhenAllowedAsync(ChatApi client, long userId, string password) =>
        Eventually.ReturnsAsync(
            () => LoginAsync(client, userId, password),
            response => response.StatusCode != HttpStatusCode.TooManyRequests,
            Bound,
            "the sign-in wait to end");
}

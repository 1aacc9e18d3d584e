using System.Diagnostics;
using System.Globalization;
using System.Net;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// Attacks by people who need no account: a registration flood, addresses faked through X-Forwarded-For or rotated
/// within one IPv6 /64, and a queue of password hashes that starves sign-ins. Each test starts a gateway of its own with
/// the shipped allowances (the shared one lets tests register thousands of users from one address).
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class SignInAllowanceTests(ChatSystemFixture fixture)
{
    // The shipped values (AllowanceOptions), which the shared gateway raises for the other tests.
    private const int RegistrationBurst = 10;
    private const int SignInBurst = 30;
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.1");

    [Fact]
    public async Task Register_FloodFromOneAddress_IsRefusedAfterTheBurstWithNothingStored_AnotherAddressStillRegisters()
    {
        var gateway = await StartGatewayAsync();
        using var flooder = new ChatApi(gateway, clientAddress: ChatApi.FreshClientAddress());
        for (var i = 0; i < RegistrationBurst; i++)
        {
            (await flooder.RegisterAsync()).Api.Dispose();
        }

        var refusedId = TestIds.User();
        using var refused = await RegisterAsync(flooder, refusedId);

        var problem = await ChatApi.ReadAsync<Problem>(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("RateLimited", problem.Code);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "no Retry-After in seconds");
        using var someoneElse = new ChatApi(gateway, clientAddress: ChatApi.FreshClientAddress());
        (await someoneElse.RegisterAsync()).Api.Dispose();
        using var loginOfTheRefused = await someoneElse.PostJsonAsync("/api/auth/login", new { userId = refusedId, password = ChatApi.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, loginOfTheRefused.StatusCode); // never registered
    }

    [Fact]
    public async Task SignIn_ForwardedForHonouredFromTheTrustedProxyOnly_AndAnIPv6Slash64CountsAsOneAddress()
    {
        var gateway = await StartGatewayAsync();
        using var anonymous = new ChatApi(gateway, clientAddress: ChatApi.FreshClientAddress());
        var (account, auth) = await anonymous.RegisterAsync();
        account.Dispose();

        // Through the trusted proxy: a new address of the same /64 for every sign-in is still one client.
        using var viaProxy = new ChatApi(gateway, clientAddress: Proxy);
        for (var i = 0; i < SignInBurst; i++)
        {
            using var signedIn = await SignInAsync(viaProxy, auth.UserId, forwardedFor: $"2001:db8:7:1::{i + 1:x}");
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        using (var sameSubnet = await SignInAsync(viaProxy, auth.UserId, forwardedFor: "2001:db8:7:1:ffff::1"))
        {
            Assert.Equal("RateLimited", (await ChatApi.ReadAsync<Problem>(sameSubnet, HttpStatusCode.TooManyRequests)).Code);
        }

        using (var otherSubnet = await SignInAsync(viaProxy, auth.UserId, forwardedFor: "2001:db8:7:2::1"))
        {
            Assert.Equal(HttpStatusCode.OK, otherSubnet.StatusCode);
        }

        // Not a proxy: its X-Forwarded-For is ignored, and every address it claims counts as its own.
        using var faker = new ChatApi(gateway, clientAddress: ChatApi.FreshClientAddress());
        for (var i = 0; i < SignInBurst; i++)
        {
            using var signedIn = await SignInAsync(faker, auth.UserId, forwardedFor: $"198.51.100.{i + 1}");
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        using var faked = await SignInAsync(faker, auth.UserId, forwardedFor: "203.0.113.77");
        Assert.Equal("RateLimited", (await ChatApi.ReadAsync<Problem>(faked, HttpStatusCode.TooManyRequests)).Code);
    }

    [Fact]
    public async Task PasswordHashes_AFullQueueAnswers503AtOnce_AndASignInGoesBeforeWaitingRegistrations()
    {
        // One hash at a time, each long enough to queue behind; registrations may take one of the two waiting places.
        var gateway = await StartGatewayAsync(new Dictionary<string, string>
        {
            ["Passwords__Iterations"] = "8000000",
            ["Passwords__MaxConcurrentHashes"] = "1",
            ["Passwords__MaxQueuedHashes"] = "2",
        });
        using var client = new ChatApi(gateway, clientAddress: ChatApi.FreshClientAddress());
        // The first sign-in pays for the gateway's start and its decoy hash, outside any turn.
        (await SignInAsync(client, TestIds.User(), forwardedFor: null)).Dispose();
        var clock = Stopwatch.StartNew();

        var running = TimedAsync(() => RegisterAsync(client, TestIds.User()), clock);
        await Task.Delay(500);
        var waitingRegistration = TimedAsync(() => RegisterAsync(client, TestIds.User()), clock);
        await Task.Delay(500);
        using (var beyondItsHalf = await RegisterAsync(client, TestIds.User()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, beyondItsHalf.StatusCode);
            Assert.NotNull(beyondItsHalf.Headers.RetryAfter);
        }

        var signIn = TimedAsync(() => SignInAsync(client, TestIds.User(), forwardedFor: null), clock);

        var (runningResponse, _) = await running;
        var (registrationResponse, registrationDone) = await waitingRegistration;
        var (signInResponse, signInDone) = await signIn;
        Assert.Equal(HttpStatusCode.Created, runningResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Created, registrationResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signInResponse.StatusCode);
        Assert.True(signInDone < registrationDone, $"the sign-in ({signInDone}) waited behind the registration queued before it ({registrationDone})");
    }

    /// <summary>
    /// A gateway of the test's own, left running with the system (other tests check that every process of it runs;
    /// an idle gateway costs little).
    /// </summary>
    private async Task<Uri> StartGatewayAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var shipped = new Dictionary<string, string>
        {
            ["Allowance__RegistrationBurstPerAddress"] = RegistrationBurst.ToString(CultureInfo.InvariantCulture),
            ["Allowance__RegistrationsPerMinutePerAddress"] = "2",
            ["Allowance__SignInBurstPerAddress"] = SignInBurst.ToString(CultureInfo.InvariantCulture),
            ["Allowance__SignInsPerMinutePerAddress"] = "10",
            ["Allowance__TrustedProxies"] = Proxy.ToString(),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            shipped[key] = value;
        }

        return await fixture.System.StartGatewayAsync(shipped);
    }

    private static Task<HttpResponseMessage> RegisterAsync(ChatApi client, long userId) =>
        client.PostJsonAsync("/api/auth/register", new { userId, displayName = "Flood", password = ChatApi.Password });

    /// <summary>A sign-in with the test password, as from <paramref name="forwardedFor"/> when a proxy says so.</summary>
    private static Task<HttpResponseMessage> SignInAsync(ChatApi client, long userId, string? forwardedFor) =>
        client.PostJsonAsync("/api/auth/login", new { userId, password = ChatApi.Password }, forwardedFor is null ? [] : [("X-Forwarded-For", forwardedFor)]);

    private static async Task<(HttpResponseMessage Response, TimeSpan Done)> TimedAsync(Func<Task<HttpResponseMessage>> request, Stopwatch clock)
    {
        var response = await request();
        return (response, clock.Elapsed);
    }
}

using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>Tokens: one algorithm, one version per user that signing out everywhere bumps, and hub connections that end with their token.</summary>
[Collection(ChatSystemCollection.Name)]
public sealed class TokenTests(ChatSystemFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Token_SignedWithTheRightKeyButHS512OrWithoutATokenVersion_IsRefused()
    {
        using var anonymous = fixture.Api();
        var (api, auth) = await anonymous.RegisterAsync();
        api.Dispose();
        var expires = DateTimeOffset.UtcNow.AddHours(1);

        using var hs512 = fixture.Api(TestTokens.Sign(fixture.System.SigningKey, auth.UserId, expires, algorithm: "HS512"));
        using var versionless = fixture.Api(TestTokens.Sign(fixture.System.SigningKey, auth.UserId, expires, tokenVersion: null));
        using var control = fixture.Api(TestTokens.Sign(fixture.System.SigningKey, auth.UserId, expires));

        Assert.Equal(HttpStatusCode.Unauthorized, (await hs512.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await versionless.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await control.GetAsync("/api/conversations")).StatusCode);
    }

    [Fact]
    public async Task LogoutAll_Answers204AndEndsEveryEarlierTokenOnTheApiAndTheHubButNotTheNextLogin()
    {
        using var anonymous = fixture.Api();
        var (firstDevice, auth) = await anonymous.RegisterAsync();
        using var login = await anonymous.PostJsonAsync("/api/auth/login", new { userId = auth.UserId, password = ChatApi.Password });
        var secondToken = (await ChatApi.ReadAsync<AuthResponse>(login, HttpStatusCode.OK)).Token;
        using var secondDevice = fixture.Api(secondToken);

        using var logout = await secondDevice.PostJsonAsync("/api/auth/logout-all", new { });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await firstDevice.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await secondDevice.GetAsync("/api/conversations")).StatusCode);
        var hubRefusal = await Assert.ThrowsAsync<HttpRequestException>(() => HubSession.ConnectAsync(fixture.System.GatewayUrl, auth.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, hubRefusal.StatusCode);

        using var again = await anonymous.PostJsonAsync("/api/auth/login", new { userId = auth.UserId, password = ChatApi.Password });
        using var afterwards = fixture.Api((await ChatApi.ReadAsync<AuthResponse>(again, HttpStatusCode.OK)).Token);
        Assert.Equal(HttpStatusCode.OK, (await afterwards.GetAsync("/api/conversations")).StatusCode);
        firstDevice.Dispose();
    }

    [Fact]
    public async Task LogoutAll_OnOneGateway_EndsTheTokenOnAnotherWellBeforeItsCacheExpiresAndClosesItsHubConnection()
    {
        var otherGateway = await fixture.CostlyHashGatewayAsync();
        using var anonymous = fixture.Api();
        var (here, auth) = await anonymous.RegisterAsync();
        using var there = new ChatApi(otherGateway, auth.Token);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("/api/conversations")).StatusCode); // the other gateway now caches the version
        await using var session = await HubSession.ConnectAsync(otherGateway, auth.Token);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        using var logout = await here.PostJsonAsync("/api/auth/logout-all", new { });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        // The other gateway's cache would trust the old version for 15 s; the sign-out's push ends it in well under that.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await there.GetAsync("/api/conversations")).StatusCode);
        here.Dispose();
    }

    [Fact]
    public async Task LogoutAll_WithoutAToken_Answers401()
    {
        using var anonymous = fixture.Api();

        using var response = await anonymous.PostJsonAsync("/api/auth/logout-all", new { });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task HubConnection_WhenItsTokenExpires_IsClosedByTheGateway()
    {
        using var anonymous = fixture.Api();
        var (api, auth) = await anonymous.RegisterAsync();
        api.Dispose();
        var expires = DateTimeOffset.UtcNow.AddSeconds(10);
        await using var session = await HubSession.ConnectAsync(fixture.System.GatewayUrl, TestTokens.Sign(fixture.System.SigningKey, auth.UserId, expires));
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await closed.Task.WaitAsync(Bound);

        Assert.Equal(HubConnectionState.Disconnected, session.Connection.State);
        Assert.True(DateTimeOffset.UtcNow >= expires.AddSeconds(-1), "the connection closed before its token expired");
    }

    [Theory]
    [InlineData("too short", "c2hvcnQta2V5")] // 9 bytes
    [InlineData("a passphrase", "correct horse battery staple, long enough to look safe")]
    public async Task Gateway_WithAShortOrNonBase64SigningKey_StopsAtStartNamingTheKey(string _, string key)
    {
        await using var gateway = HostProcess.Start("Gateway", "gateway-bad-key", new Dictionary<string, string>
        {
            ["Jwt__SigningKey"] = key,
            ["ConnectionStrings__Redis"] = fixture.System.Redis.Configuration,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
        });

        Assert.True(await gateway.WaitForExitAsync(Bound), "the gateway kept running with a bad key");
        Assert.NotEqual(0, gateway.ExitCode);
        Assert.Contains("Jwt:SigningKey must be at least 256 random bits, base64-encoded", gateway.Output, StringComparison.Ordinal);
    }
}

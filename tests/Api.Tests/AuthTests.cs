using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Api.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Api.Tests;

[Collection(InProcessChatSystemCollection.Name)]
public sealed class AuthTests(InProcessChatSystem fixture)
{
    [Fact]
    public async Task Register_NewUser_Answers201WithATokenThatOpensTheApi()
    {
        using var anonymous = fixture.Api();
        var userId = TestIds.User();

        var (api, auth) = await anonymous.RegisterAsync(userId, "  Ada Lovelace ");

        using (api)
        {
            Assert.Equal(userId, auth.UserId);
            Assert.Equal("Ada Lovelace", auth.DisplayName);
            var me = await api.GetJsonAsync<UserView>($"/api/users/{userId}");
            Assert.Equal((int)(userId % 3), me.Shard);
        }
    }

    [Fact]
    public async Task Register_TakenUserId_Answers409AndKeepsTheFirstAccount()
    {
        using var anonymous = fixture.Api();
        var (first, auth) = await anonymous.RegisterAsync();
        first.Dispose();

        using var again = await anonymous.PostJsonAsync("/api/auth/register", new { userId = auth.UserId, displayName = "Impostor", password = "another password" });
        var problem = await ChatApi.ReadAsync<Problem>(again, HttpStatusCode.Conflict);
        using var login = await anonymous.PostJsonAsync("/api/auth/login", new { userId = auth.UserId, password = ChatApi.Password });

        Assert.Equal("UserAlreadyRegistered", problem.Code);
        Assert.Equal(auth.DisplayName, (await ChatApi.ReadAsync<AuthResponse>(login, HttpStatusCode.OK)).DisplayName);
    }

    [Fact]
    public async Task Login_WrongPasswordOrUnknownUser_Answers401WithTheSameProblem()
    {
        using var anonymous = fixture.Api();
        var (api, auth) = await anonymous.RegisterAsync();
        api.Dispose();

        using var wrongPassword = await anonymous.PostJsonAsync("/api/auth/login", new { userId = auth.UserId, password = "not the password" });
        using var unknownUser = await anonymous.PostJsonAsync("/api/auth/login", new { userId = TestIds.User(), password = ChatApi.Password });

        var first = await ChatApi.ReadAsync<Problem>(wrongPassword, HttpStatusCode.Unauthorized);
        var second = await ChatApi.ReadAsync<Problem>(unknownUser, HttpStatusCode.Unauthorized);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Login_RightPassword_ReturnsAWorkingToken()
    {
        using var anonymous = fixture.Api();
        var (api, auth) = await anonymous.RegisterAsync();
        api.Dispose();

        using var login = await anonymous.PostJsonAsync("/api/auth/login", new { userId = auth.UserId, password = ChatApi.Password });
        var token = (await ChatApi.ReadAsync<AuthResponse>(login, HttpStatusCode.OK)).Token;

        using var loggedIn = fixture.Api(token);
        Assert.Empty(await loggedIn.InboxAsync());
    }

    [Theory]
    [InlineData("GET", "/api/users")]
    [InlineData("GET", "/api/users/5")]
    [InlineData("POST", "/api/messages")]
    [InlineData("GET", "/api/messages/5")]
    [InlineData("GET", "/api/conversations")]
    [InlineData("GET", "/api/conversations/4/5")]
    [InlineData("POST", "/api/conversations/4-5/read")]
    public async Task ProtectedEndpoint_WithoutOrWithABadToken_Answers401(string method, string path)
    {
        using var http = new HttpClient { BaseAddress = fixture.GatewayUrl };
        foreach (var token in new[] { null, "not-a-jwt", ForgedToken() })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("{}", null, "application/json") : null };
            request.Headers.Authorization = token is null ? null : new AuthenticationHeaderValue("Bearer", token);

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Hub_WithoutAToken_IsRefused()
    {
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(fixture.GatewayUrl, "/hubs/chat")).Build();

        var refusal = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refusal.StatusCode);
    }

    /// <summary>A well-formed token for user 5 signed with a key the gateway does not know.</summary>
    private static string ForgedToken() =>
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI1IiwiaXNzIjoid2hhdHNhcHAtZ2F0ZXdheSIsImF1ZCI6IndoYXRzYXBwIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmVkLXdpdGgtdGhlLXdyb25nLWtleS14eHh4eHh4eHg";
}

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using WhatsApp.Testing;
using static Microsoft.Playwright.Assertions;

namespace WhatsApp.Browser.Tests;

/// <summary>What a tab shows after it was cut off from the gateway while messages kept arriving.</summary>
/// <remarks>It stops gateways, so it runs on a system of its own.</remarks>
[Collection(BrowserCollection.Name)]
public sealed class CatchUpInTheBrowserTests
{
    /// <summary>More than the page the client loads at once (50), so one page cannot close the gap.</summary>
    private const int MissedMessages = 70;

    [Fact]
    public Task GatewayDown_MoreThanAPageArrivesMeanwhile_TheOpenChatShowsEveryMessageInOrderAfterReconnecting() => BrowserFixture.WithOwnSystemAsync(async own =>
    {
        var bob = await own.OpenAsync();
        var bobId = BrowserFixture.NewUserId();
        await bob.RegisterAsync(bobId, "Bob");
        using var firstGateway = new HttpClient { BaseAddress = own.System.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
        var alice = await RegisterAsync(firstGateway);
        await SendAsync(firstGateway, alice, bobId, "message 0");
        await bob.InboxItem("message 0").ClickAsync();
        await Expect(bob.Bubbles).ToHaveCountAsync(1);

        // Bob's gateway goes down; Alice keeps writing through another one.
        await own.System.StopGatewayAsync(0);
        await Expect(bob.Banner).ToBeVisibleAsync(new() { Timeout = 30_000 });
        using var secondGateway = new HttpClient { BaseAddress = await own.System.StartGatewayAsync(), Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 1; i <= MissedMessages; i++)
        {
            await SendAsync(secondGateway, alice, bobId, $"message {i}");
        }

        await own.System.StartGatewayAgainAsync(0);
        await Expect(bob.Banner).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await Expect(bob.Bubbles).ToHaveCountAsync(MissedMessages + 1, new() { Timeout = 30_000 });
        var shown = await bob.Bubbles.Locator(".text").AllTextContentsAsync();
        Assert.Equal(Enumerable.Range(0, MissedMessages + 1).Select(i => $"message {i}"), shown);
    });

    /// <summary>A fresh account; a 503 (the password hash outlasting the gateway's call timeout on a loaded machine) is
    /// tried again with another fresh id, as a person would.</summary>
    private static Task<Account> RegisterAsync(HttpClient gateway) => Eventually.SucceedsAsync(async () =>
    {
        using var response = await gateway.PostAsJsonAsync("/api/auth/register", new { userId = TestIds.User(), displayName = "Alice", password = "correct horse battery" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Account>())!;
    }, TimeSpan.FromSeconds(60), "a registration");

    /// <summary>Sends as a client should: a 429 is waited out for as long as its Retry-After says, then sent again.</summary>
    private static async Task SendAsync(HttpClient gateway, Account from, string toUserId, string content)
    {
        var body = new { toUserId = long.Parse(toUserId, CultureInfo.InvariantCulture), content, clientMessageId = Guid.NewGuid().ToString("N") };
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", from.Token);
            using var response = await gateway.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                return;
            }

            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    private sealed record Account(long UserId, string Token);
}

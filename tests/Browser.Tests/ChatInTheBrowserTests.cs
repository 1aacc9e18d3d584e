using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WhatsApp.Testing;
using static Microsoft.Playwright.Assertions;

namespace WhatsApp.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ChatInTheBrowserTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions WithinTwoSeconds = new() { Timeout = 2000 };

    [Fact]
    public async Task TwoPeople_ChatInRealTime_WithTicksTurningBlueAndTyping()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");

        await alice.OpenChatWithAsync(bobId);
        await alice.SendAsync("Hello!");

        // Bob sees it without reloading, within two seconds.
        await Expect(bob.InboxItem("Hello!")).ToBeVisibleAsync(WithinTwoSeconds);
        await Expect(bob.InboxItem("Hello!").Locator(".badge")).ToHaveTextAsync("1");

        // Bob opens the chat: Alice's ticks turn blue.
        await bob.InboxItem("Hello!").ClickAsync();
        await Expect(bob.Bubbles.Last.Locator(".text")).ToHaveTextAsync("Hello!");
        await Expect(alice.Bubbles.Last.Locator(".ticks")).ToHaveAttributeAsync("data-status", "read");
        await Expect(alice.Bubbles.Last.Locator(".ticks")).ToHaveClassAsync(new Regex("\\bread\\b"));

        // Alice types: Bob sees "typing…".
        await alice.TypeWithoutSendingAsync("How are");
        await Expect(bob.PeerStatus).ToHaveTextAsync("typing…");

        await alice.Page.FillAsync("#input", "");
        await bob.SendAsync("Hi Alice! All good here.");
        await alice.SendAsync("Great. This chat runs on three Orleans silos,\none per shard.");
        await Expect(alice.Bubbles).ToHaveCountAsync(3);
        await SaveScreenshotAsync(alice.Page);
    }

    [Fact]
    public async Task MessageContent_ThatLooksLikeHtml_IsShownAsTextAndRunsNothing()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice <b>bold</b>");
        await bob.RegisterAsync(bobId, "Bob");
        const string Attack = "<img src=x onerror=alert(1)>";

        await alice.OpenChatWithAsync(bobId);
        await alice.SendAsync(Attack);
        await Expect(bob.InboxItem(Attack)).ToBeVisibleAsync();
        await bob.InboxItem(Attack).ClickAsync();

        await Expect(bob.Bubbles.Last.Locator(".text")).ToHaveTextAsync(Attack);
        await Expect(bob.Page.Locator("#messages img, #inbox img")).ToHaveCountAsync(0);
        await Expect(bob.Page.Locator("#peer-name")).ToHaveTextAsync("Alice <b>bold</b>");
        await bob.Page.WaitForTimeoutAsync(500);
        Assert.Empty(bob.Dialogs);
        Assert.Empty(alice.Dialogs);
    }

    [Fact]
    public async Task GatewayRestart_BothPagesReconnectByThemselves_AndTheNextMessageArrives()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");
        await alice.OpenChatWithAsync(bobId);
        await alice.SendAsync("before the restart");
        await bob.InboxItem("before the restart").ClickAsync();

        await fixture.System.RestartGatewayAsync(0);

        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        }

        await alice.SendAsync("after the restart");
        await Expect(bob.Bubbles.Last.Locator(".text")).ToHaveTextAsync("after the restart", new() { Timeout = 5000 });
    }

    [Fact]
    public async Task ShardPanel_SiloOfTheOpenChatDiesAndReturns_ShowsTheShardDownThenServedByTheNewSiloAndItsDatabase()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");
        await alice.OpenChatWithAsync(bobId);
        await alice.SendAsync("before the silo dies");
        var shard = (int)(Math.Min(long.Parse(aliceId, CultureInfo.InvariantCulture), long.Parse(bobId, CultureInfo.InvariantCulture)) % ChatSystem.ShardCount);
        var panel = alice.Page.Locator($"#shards li[data-shard='{shard}']");
        await Expect(panel).ToHaveClassAsync(new Regex("\\bserving\\b"));
        var database = $"127.0.0.1:{fixture.System.Postgres.Port}/whatsapp";
        await Expect(panel.Locator(".database")).ToContainTextAsync($"database {database} · up");

        await fixture.System.Silos[shard].KillAsync();
        await Expect(panel).ToHaveClassAsync(new Regex("\\bdown\\b"), new() { Timeout = 60_000 });
        await Expect(alice.Page.Locator("#shard-note")).ToContainTextAsync($"Shard {shard}'s silo is down");
        await Expect(panel.Locator(".database")).ToContainTextAsync($"database {database} · up"); // probed by the fallback silo
        await alice.SendAsync("while it is down");
        await Expect(bob.InboxItem("while it is down")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        fixture.System.StartSilo(shard);
        await Expect(panel).Not.ToHaveClassAsync(new Regex("\\bdown\\b"), new() { Timeout = 90_000 });
        await Expect(alice.Page.Locator("#shard-note")).ToContainTextAsync($"Shard {shard} is served by a new silo");
    }

    [Fact]
    public async Task PhoneWidth_ShowsOnePaneAtATime()
    {
        var phone = await fixture.OpenAsync(width: 390, height: 844);
        var friend = await fixture.OpenAsync();
        var (phoneId, friendId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await phone.RegisterAsync(phoneId, "Pocket");
        await friend.RegisterAsync(friendId, "Friend");

        await Expect(phone.Page.Locator(".sidebar")).ToBeVisibleAsync();
        await Expect(phone.Page.Locator("#chat")).ToBeHiddenAsync();
        await phone.OpenChatWithAsync(friendId);
        await Expect(phone.Page.Locator(".sidebar")).ToBeHiddenAsync();
        await phone.Page.ClickAsync("#back");
        await Expect(phone.Page.Locator(".sidebar")).ToBeVisibleAsync();
    }

    /// <summary>
    /// Every run keeps a screenshot of the chat in artifacts/; with UPDATE_SCREENSHOT=1 it also refreshes the one the
    /// README shows (docs/screenshot.png), so ordinary runs do not rewrite a tracked file.
    /// </summary>
    private static async Task SaveScreenshotAsync(IPage page)
    {
        var artifact = Path.Combine(RepositoryLayout.Root, "artifacts", "screenshots", "chat.png");
        Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = artifact });
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOT") == "1")
        {
            File.Copy(artifact, Path.Combine(RepositoryLayout.Root, "docs", "screenshot.png"), overwrite: true);
        }

        Assert.True(new FileInfo(artifact).Length > 10_000);
    }
}

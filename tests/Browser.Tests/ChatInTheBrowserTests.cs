using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WhatsApp.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ChatInTheBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task TwoPeople_ChatInRealTime_WithTicksTurningBlueAndTyping()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");

        await alice.OpenChatWithAsync(bobId);
        await alice.SendAsync("Hello!");

        // Bob sees it without reloading (how fast is the benchmark's to measure, not a test's).
        await Expect(bob.InboxItem("Hello!")).ToBeVisibleAsync();
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
        await Screenshots.SaveAsync(alice.Page, "chat.png", "screenshot.png");
    }

    [Fact]
    public async Task Block_FromTheChat_RefusesTheirMessages_UnblockLetsThemIn()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");
        await bob.OpenChatWithAsync(aliceId);
        await bob.SendAsync("Hi Alice");
        await alice.OpenChatWithAsync(bobId);

        await alice.Page.ClickAsync("#block");
        await Expect(alice.Page.Locator("#block")).ToHaveTextAsync("Unblock");
        await Expect(alice.Page.Locator("#blocked-note")).ToBeVisibleAsync();
        await bob.Page.FillAsync("#input", "Are you there?");
        await bob.Page.PressAsync("#input", "Enter");

        await Expect(bob.Page.Locator("#chat-error")).ToContainTextAsync("You cannot message this user");
        await Expect(alice.Bubbles).ToHaveCountAsync(1);

        await alice.Page.ClickAsync("#block");
        await Expect(alice.Page.Locator("#block")).ToHaveTextAsync("Block");
        await bob.SendAsync("Now?");
        await Expect(alice.Bubbles.Last.Locator(".text")).ToHaveTextAsync("Now?");
    }

    [Fact]
    public async Task LastSeenAndOnline_SetToNobody_IsGoneFromTheContactsChatAtOnce_AndBackWhenShownAgain()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");
        await alice.OpenChatWithAsync(bobId);
        await alice.SendAsync("Hi Bob");
        await bob.OpenChatWithAsync(aliceId);
        await bob.SendAsync("Hi Alice");
        await Expect(bob.PeerStatus).ToHaveTextAsync("online");

        await alice.Page.SelectOptionAsync("#presence-visibility", "nobody");
        await Expect(bob.PeerStatus).ToHaveTextAsync("");

        await alice.Page.SelectOptionAsync("#presence-visibility", "contacts");
        await Expect(bob.PeerStatus).ToHaveTextAsync("online");
    }

    [Fact]
    public async Task AddMeToGroups_MyContacts_AStrangersGroupArrivesAsAnInvitation_JoinOpensIt()
    {
        var (alice, bob) = (await fixture.OpenAsync(), await fixture.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");
        var saved = bob.Page.WaitForResponseAsync(response => response.Url.EndsWith("/api/users/me/privacy", StringComparison.Ordinal) && response.Request.Method == "PUT");
        await bob.Page.SelectOptionAsync("#group-adds", "contacts");
        Assert.True((await saved).Ok);

        await alice.CreateGroupAsync("Invite only", bobId);
        await Expect(alice.Page.Locator($"#members li[data-invited='{bobId}']")).ToBeVisibleAsync();
        var invitation = bob.Page.Locator("#invitations li.invitation");
        await Expect(invitation).ToContainTextAsync("Invite only");
        await Expect(bob.Page.Locator("#inbox li[data-conversation]")).ToHaveCountAsync(0);

        await invitation.Locator(".join").ClickAsync();
        await Expect(bob.Page.Locator("#peer-name")).ToHaveTextAsync("Invite only");
        await Expect(bob.Page.Locator("#invitations")).ToBeHiddenAsync();
        await alice.Page.ClickAsync("#close-members");
        await alice.SendAsync("Welcome Bob");
        await Expect(bob.Bubbles.Last.Locator(".text")).ToHaveTextAsync("Welcome Bob");
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
        // An injected <img onerror> would fire once a broken image's error is dispatched: wait for one of our own.
        foreach (var page in new[] { alice, bob })
        {
            await page.Page.EvaluateAsync("() => new Promise(resolve => { const image = new Image(); image.onerror = resolve; image.src = 'data:,'; })");
        }

        Assert.Empty(bob.Dialogs);
        Assert.Empty(alice.Dialogs);
    }

    [Fact]
    public Task GatewayRestart_BothPagesReconnectByThemselves_AndTheNextMessageArrives() => BrowserFixture.WithOwnSystemAsync(async own =>
    {
        var (alice, bob) = (await own.OpenAsync(), await own.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");
        await alice.OpenChatWithAsync(bobId);
        await alice.SendAsync("before the restart");
        await bob.InboxItem("before the restart").ClickAsync();

        await own.System.RestartGatewayAsync(0);

        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        }

        await alice.SendAsync("after the restart");
        await Expect(bob.Bubbles.Last.Locator(".text")).ToHaveTextAsync("after the restart", new() { Timeout = 5000 });
    });

    [Fact]
    public Task FailedSend_TappedOnceTheGatewayIsBack_IsDeliveredOnceWithItsOwnId() => BrowserFixture.WithOwnSystemAsync(async own =>
    {
        var (alice, bob) = (await own.OpenAsync(), await own.OpenAsync());
        var (aliceId, bobId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await alice.RegisterAsync(aliceId, "Alice");
        await bob.RegisterAsync(bobId, "Bob");
        await alice.OpenChatWithAsync(bobId);
        await alice.SendAsync("before the gateway stops");

        await own.System.StopGatewayAsync(0);
        await Expect(alice.Banner).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await alice.Page.FillAsync("#input", "sent while it was down");
        await alice.Page.PressAsync("#input", "Enter");
        var failed = alice.Bubbles.Filter(new() { HasText = "sent while it was down" });
        await Expect(failed.Locator(".ticks")).ToHaveAttributeAsync("data-status", "failed");

        await own.System.StartGatewayAgainAsync(0);
        await Expect(alice.Banner).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await failed.ClickAsync();
        await Expect(failed.Locator(".ticks")).Not.ToHaveAttributeAsync("data-status", new Regex("failed|pending"), new() { Timeout = 10_000 });

        await bob.InboxItem("sent while it was down").ClickAsync();
        await Expect(bob.Bubbles.Filter(new() { HasText = "sent while it was down" })).ToHaveCountAsync(1);
        await Expect(alice.Bubbles.Filter(new() { HasText = "sent while it was down" })).ToHaveCountAsync(1);
    });

    [Fact]
    public async Task Search_AnEarlierQuerysAnswerArrivesLast_TheLatestQueryWins()
    {
        var alice = await fixture.OpenAsync();
        var (aliceId, bobId, carolId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        var marker = "Q" + Guid.NewGuid().ToString("N")[..6];
        await alice.RegisterAsync(aliceId, "Alice");
        var bob = await fixture.OpenAsync();
        await bob.RegisterAsync(bobId, $"{marker}bob");
        var carol = await fixture.OpenAsync();
        await carol.RegisterAsync(carolId, $"{marker}bobcarol");
        // A name finds only the people of one's chats: both write to Alice first.
        foreach (var writer in new[] { bob, carol })
        {
            await writer.OpenChatWithAsync(aliceId);
            await writer.SendAsync("hello Alice");
        }

        // The first query's answer is held back until the second query's has been shown.
        var secondShown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await alice.Page.RouteAsync($"**/api/users?query={marker}bob&*", async route =>
        {
            await secondShown.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await route.ContinueAsync();
        });
        var firstAsked = alice.Page.WaitForRequestAsync(request => request.Url.Contains($"query={marker}bob&", StringComparison.Ordinal));
        await alice.Page.FillAsync("#search", $"{marker}bob");
        await firstAsked;
        await alice.Page.FillAsync("#search", $"{marker}bobcarol");
        await Expect(alice.Page.Locator("#directory li[data-user]")).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator($"#directory li[data-user='{carolId}']")).ToBeVisibleAsync();
        var firstAnswered = alice.Page.WaitForResponseAsync(response => response.Url.Contains($"query={marker}bob&", StringComparison.Ordinal));
        secondShown.SetResult();

        // The page has had the stale answer in full, and a turn of its event loop to act on it.
        await (await firstAnswered).FinishedAsync();
        await alice.Page.EvaluateAsync("() => new Promise(resolve => setTimeout(resolve))");
        await Expect(alice.Page.Locator("#directory li[data-user]")).ToHaveCountAsync(1);
        await Expect(alice.Page.Locator($"#directory li[data-user='{carolId}']")).ToBeVisibleAsync();
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
}

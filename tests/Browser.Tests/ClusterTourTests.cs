using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WhatsApp.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace WhatsApp.Browser.Tests;

/// <summary>
/// The README's guided tour, as a newcomer takes it: ./run, two tabs, chat, kill shard 1's silo from the Cluster
/// panel, keep chatting, watch the panel, open a message's path, start the silo again. It refreshes the tour's
/// screenshots.
/// </summary>
public sealed partial class ClusterTourTests(ITestOutputHelper output) : IDisposable
{
    private static readonly LocatorAssertionsToBeVisibleOptions Recovery = new() { Timeout = 90_000 };

    private readonly DataFolder _data = new();

    [Fact(Timeout = 900_000)]
    public async Task Tour_KillShardOnesSiloFromThePageAndKeepChatting_LosesNothingAndTheGrainsGoHome()
    {
        var ports = LauncherPorts.Free();
        await using var run = await RunScript.StartAsync(ports, _data.Path);
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await BrowserFixture.LaunchChromiumAsync(playwright);
            var clientUrl = $"http://localhost:{ports.Client}/";
            var (ada, bob) = (await OpenAsync(browser, clientUrl), await OpenAsync(browser, clientUrl));
            // Ada's number is on shard 1 and lower than Bob's, so their conversation lives on shard 1 too.
            var (adaId, bobId) = (Text(TestIds.User(shard: 1)), Text(TestIds.User(shard: 2)));
            await ada.RegisterAsync(adaId, "Ada");
            await bob.RegisterAsync(bobId, "Bob");
            await ada.OpenChatWithAsync(bobId);
            await bob.OpenChatWithAsync(adaId);
            await Expect(ada.Page.Locator("#peer-shard")).ToContainTextAsync("shard 1");

            await ada.SendAsync("Before the outage");
            await Expect(bob.Bubbles.Filter(new() { HasText = "Before the outage" })).ToBeVisibleAsync();

            // The panel highlights the shard of the open chat, and names its database by number, never by address.
            var shardOne = ada.Page.Locator("#shards li[data-shard='1']");
            await Expect(shardOne).ToHaveClassAsync(Serving());
            await Expect(shardOne.Locator(".database")).ToContainTextAsync("database 0 · up");
            await Expect(ada.Page.Locator("#shards")).Not.ToContainTextAsync("127.0.0.1");

            // Kill shard 1's silo from Ada's page; the panel shows the shard down and who serves it, and its database
            // still up, as the silo that took the shard over reaches it.
            await shardOne.Locator("button.fault.stop").ClickAsync();
            await Expect(ada.Page.Locator("#shards li.down[data-shard='1']")).ToBeVisibleAsync(Recovery);
            await Expect(ada.Page.Locator("#shard-note")).ToContainTextAsync("Shard 1's silo is down");
            await Expect(shardOne.Locator(".database")).ToContainTextAsync("database 0 · up");

            // Keep chatting: both ways, through the silo that took shard 1 over.
            await ada.SendAsync("Still here while shard 1 is down");
            await Expect(bob.Bubbles.Filter(new() { HasText = "Still here while shard 1 is down" })).ToBeVisibleAsync(Recovery);
            await bob.SendAsync("Got it, served by another silo");
            await Expect(ada.Bubbles.Filter(new() { HasText = "Got it, served by another silo" })).ToBeVisibleAsync(Recovery);
            await Expect(ada.Bubbles.Filter(new() { HasText = "Still here while shard 1 is down" })).ToHaveClassAsync(DuringOutage());
            await Expect(ada.Bubbles.Filter(new() { HasText = "Before the outage" })).Not.ToHaveClassAsync(DuringOutage());
            await Expect(shardOne.Locator(".failover")).ToContainTextAsync(MovedToAnotherSilo(), new() { Timeout = 30_000 });
            await Screenshots.SaveAsync(ada.Page, "tour-outage.png", "tour-outage.png");

            // Bob opens the info of the message sent during the outage: its path ran through the silo of shard 2.
            await bob.ActOnAsync("Still here while shard 1 is down", "info");
            var steps = bob.Page.Locator("#info-body [data-kind='path'] .step");
            await Expect(steps.Filter(new() { HasText = "Gateway took it" }).First).ToBeVisibleAsync();
            await Expect(steps.Filter(new() { HasText = "conversation" }).Filter(new() { HasText = "shard 2 · " }).First).ToBeVisibleAsync();
            await Expect(steps.Filter(new() { HasText = "Committed:" }).First).ToBeVisibleAsync();
            await Expect(steps.Filter(new() { HasText = "open tabs" }).First).ToBeVisibleAsync();
            await Screenshots.SaveAsync(bob.Page, "tour-path.png", "tour-path.png");
            await bob.Page.ClickAsync("#info-close");

            // Start it again: the shard comes back, and every grain that moved goes home.
            await shardOne.Locator("button.fault.start").ClickAsync();
            await Expect(ada.Page.Locator("#shards li:not(.down)[data-shard='1']")).ToBeVisibleAsync(Recovery);
            await Expect(ada.Page.Locator("#shard-note")).ToContainTextAsync("Shard 1 is served by a new silo");
            await Expect(shardOne.Locator(".failover")).ToHaveTextAsync(AllWentHome(), new() { Timeout = 120_000 });
            await ada.SendAsync("Back home");
            await Expect(bob.Bubbles.Filter(new() { HasText = "Back home" })).ToBeVisibleAsync(Recovery);
            await Screenshots.SaveAsync(ada.Page, "tour-home.png", "tour-home.png");

            // Nothing lost, nothing twice, in order, on both sides.
            string[] conversation = ["Before the outage", "Still here while shard 1 is down", "Got it, served by another silo", "Back home"];
            await Expect(bob.Bubbles.Locator(".text")).ToHaveTextAsync(conversation);
            await Expect(ada.Bubbles.Locator(".text")).ToHaveTextAsync(conversation);
        }
        finally
        {
            Assert.True(await run.StopAsync(TimeSpan.FromSeconds(120)), "./run did not stop on Ctrl-C");
            output.WriteLine(run.Output);
        }
    }

    private static async Task<ChatPage> OpenAsync(IBrowser browser, string url)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(url);
        return new ChatPage(page);
    }

    private static string Text(long number) => number.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\bduring-outage\b")]
    private static partial Regex DuringOutage();

    [GeneratedRegex(@"\bserving\b")]
    private static partial Regex Serving();

    [GeneratedRegex(@"^[1-9]\d* grains? moved to shard-\d@\d+$")]
    private static partial Regex MovedToAnotherSilo();

    [GeneratedRegex(@"^(\d+) of \1 moved grains went home$")]
    private static partial Regex AllWentHome();

    public void Dispose() => _data.Dispose();
}

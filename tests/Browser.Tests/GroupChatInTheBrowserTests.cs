using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace WhatsApp.Browser.Tests;

/// <summary>Three people in a group, each in their own browser page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GroupChatInTheBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ThreePeople_InAGroup_ReplyReactAndSeeWhoHasRead()
    {
        var (ada, bob, carol) = (await fixture.OpenAsync(), await fixture.OpenAsync(), await fixture.OpenAsync());
        var (adaId, bobId, carolId) = (BrowserFixture.NewUserId(), BrowserFixture.NewUserId(), BrowserFixture.NewUserId());
        await ada.RegisterAsync(adaId, "Ada");
        await bob.RegisterAsync(bobId, "Bob");
        await carol.RegisterAsync(carolId, "Carol");

        await ada.CreateGroupAsync("Weekend", bobId, carolId);
        await Expect(ada.Page.Locator("#messages .system")).ToHaveTextAsync("You created the group “Weekend”");
        await ada.SendAsync("Hike on Saturday?");

        // Bob and Carol find the group in their chat lists, with who said what.
        foreach (var member in new[] { bob, carol })
        {
            await Expect(member.InboxItem("Weekend")).ToContainTextAsync("Ada: Hike on Saturday?");
            await member.InboxItem("Weekend").ClickAsync();
            await Expect(member.Bubbles.Last.Locator(".sender")).ToHaveTextAsync("Ada");
            await Expect(member.Page.Locator("#messages .system")).ToHaveTextAsync("Ada created the group “Weekend”");
        }

        // Both have read it: Ada's ticks turn blue, and her message info says who.
        await Expect(ada.Bubbles.Last.Locator(".ticks")).ToHaveAttributeAsync("data-status", "read");
        await ada.ActOnAsync("Hike on Saturday?", "info");
        await Expect(ada.Page.Locator("#info-body [data-kind='read'] li")).ToHaveTextAsync(["Bob", "Carol"]);
        await ada.Page.ClickAsync("#info-close");

        // Bob replies quoting the question; Carol reacts to it.
        await bob.ActOnAsync("Hike on Saturday?", "reply");
        await Expect(bob.Page.Locator("#reply-to-text")).ToHaveTextAsync("Hike on Saturday?");
        await bob.SendAsync("I'm in!");
        await carol.ActOnAsync("Hike on Saturday?", "react", "👍");

        foreach (var member in new[] { ada, carol })
        {
            var reply = member.Bubbles.Filter(new() { HasText = "I'm in!" });
            await Expect(reply.Locator(".quote")).ToContainTextAsync("Hike on Saturday?");
            await Expect(reply.Locator(".sender")).ToHaveTextAsync("Bob");
        }

        await Expect(ada.Bubbles.Filter(new() { HasText = "Hike on Saturday?" }).First.Locator(".reaction")).ToHaveTextAsync("👍");
        await Expect(bob.Bubbles.Filter(new() { HasText = "Hike on Saturday?" }).First.Locator(".reaction")).ToHaveTextAsync("👍");

        // Tapping the quote shows the message it quotes.
        await ada.Bubbles.Filter(new() { HasText = "I'm in!" }).Locator(".quote").ClickAsync();
        await Expect(ada.Bubbles.Filter(new() { HasText = "Hike on Saturday?" }).First).ToHaveClassAsync(new Regex("highlight"));
        await Screenshots.SaveAsync(ada.Page, "group.png", "group-screenshot.png");
    }
}

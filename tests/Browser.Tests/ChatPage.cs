using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace WhatsApp.Browser.Tests;

/// <summary>The chat page as a person sees it: what they type and click, and what shows on screen.</summary>
public sealed class ChatPage(IPage page)
{
    public IPage Page => page;

    /// <summary>JavaScript dialogs the page opened (an injected script would open one).</summary>
    public List<string> Dialogs { get; } = Subscribe(page);

    public ILocator Banner => page.Locator("#banner");

    public ILocator PeerStatus => page.Locator("#peer-status");

    public ILocator Bubbles => page.Locator("#messages .bubble");

    public ILocator InboxItem(string text) => page.Locator("#inbox li").Filter(new() { HasText = text });

    public async Task RegisterAsync(string userId, string name, string password = "correct horse battery")
    {
        await page.ClickAsync("#show-register");
        await page.FillAsync("#auth-user", userId);
        await page.FillAsync("#auth-name", name);
        await page.FillAsync("#auth-password", password);
        await page.ClickAsync("#auth-submit");
        await Expect(page.Locator("#me-name")).ToHaveTextAsync(name);
    }

    /// <summary>Finds someone in the directory and opens the chat with them.</summary>
    public async Task OpenChatWithAsync(string userId)
    {
        await page.FillAsync("#search", userId);
        await page.Locator($"#directory li[data-user='{userId}']").ClickAsync();
        await Expect(page.Locator("#composer")).ToBeVisibleAsync();
    }

    /// <summary>Creates a group with the people of these numbers, through the page's dialog, and opens it.</summary>
    public async Task CreateGroupAsync(string name, params string[] memberIds)
    {
        await page.ClickAsync("#new-group");
        await page.FillAsync("#group-name", name);
        foreach (var memberId in memberIds)
        {
            await page.FillAsync("#group-search", memberId);
            await page.Locator($"#group-results li[data-user='{memberId}'] input").CheckAsync();
        }

        await page.ClickAsync("#group-create");
        await Expect(page.Locator("#peer-name")).ToHaveTextAsync(name);
    }

    /// <summary>Runs one of the buttons of the bubble with this text (they show when the pointer is on the bubble).</summary>
    public async Task ActOnAsync(string bubbleText, string action, string? emoji = null)
    {
        var bubble = Bubbles.Filter(new() { HasText = bubbleText }).First;
        await bubble.HoverAsync();
        var selector = emoji is null ? $"[data-action='{action}']" : $"[data-action='{action}'][data-emoji='{emoji}']";
        await bubble.Locator(selector).ClickAsync();
    }

    public async Task SendAsync(string text)
    {
        await page.FillAsync("#input", text);
        await page.PressAsync("#input", "Enter");
        await Expect(Bubbles.Last.Locator(".ticks")).Not.ToHaveAttributeAsync("data-status", "pending");
    }

    public Task TypeWithoutSendingAsync(string text) => page.Locator("#input").PressSequentiallyAsync(text, new() { Delay = 30 });

    private static List<string> Subscribe(IPage page)
    {
        var dialogs = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        return dialogs;
    }
}

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

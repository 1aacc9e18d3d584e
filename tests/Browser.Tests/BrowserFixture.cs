using System.Globalization;
using Microsoft.Playwright;
using WhatsApp.Testing;

namespace WhatsApp.Browser.Tests;

/// <summary>
/// The whole product as a person uses it: silos, a gateway and the web client as real processes, and Debian's
/// Chromium driven by Playwright (no browser is downloaded).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private IPlaywright _playwright = null!;
    private HostProcess _client = null!;

    public ChatSystem System { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri ClientUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The browser and the client host do not need the cluster: they start while it does.
        ClientUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var gatewayUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var launching = LaunchBrowserAsync();
        _client = HostProcess.Start("Client", "client", new Dictionary<string, string>
        {
            ["Client__GatewayUrl"] = gatewayUrl.ToString(),
            ["ASPNETCORE_URLS"] = ClientUrl.ToString(),
        });
        System = await ChatSystem.StartAsync(
            new Dictionary<string, string> { ["Gateway__AllowedOrigins"] = ClientUrl.GetLeftPart(UriPartial.Authority) },
            gatewayUrl: gatewayUrl);
        await Eventually.SucceedsAsync(async () =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            return (await http.GetAsync(ClientUrl)).EnsureSuccessStatusCode();
        }, TimeSpan.FromSeconds(60), "the client host answering");
        Browser = await launching;
    }

    private async Task<IBrowser> LaunchBrowserAsync()
    {
        _playwright = await Playwright.CreateAsync();
        return await LaunchChromiumAsync(_playwright);
    }

    /// <summary>
    /// Debian's headless Chromium, as every browser test drives it. Its microphone is Chromium's fake one (a beep each
    /// second), granted without asking, so a voice note records as a person's would.
    /// </summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            ],
        });

    /// <summary>A fresh browser profile (its own session storage), with the page open at the client.</summary>
    public async Task<ChatPage> OpenAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        var chatPage = new ChatPage(page);
        await page.GotoAsync(ClientUrl.ToString());
        return chatPage;
    }

    /// <summary>
    /// Runs a test that kills, stops or restarts processes on a whole system of its own (silos, gateway, client host,
    /// browser), so no other test meets what it broke or started.
    /// </summary>
    public static async Task WithOwnSystemAsync(Func<BrowserFixture, Task> test)
    {
        var own = new BrowserFixture();
        await own.InitializeAsync();
        try
        {
            await test(own);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    public static string NewUserId() => TestIds.User().ToString(CultureInfo.InvariantCulture);

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await _client.DisposeAsync();
        await System.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

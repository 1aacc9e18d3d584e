using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WhatsApp.Testing;

namespace WhatsApp.Browser.Tests;

/// <summary>The client host's configuration page, which decides what the chat links to.</summary>
public sealed class ClientConfigurationTests
{
    [Fact]
    public async Task ConfigJson_WithoutADashboardUrl_GivesThePageNoDashboardLink()
    {
        var config = await ConfigOfClientAsync(new Dictionary<string, string>());

        Assert.False(config.TryGetProperty("dashboardUrl", out _), config.ToString());
    }

    [Fact]
    public async Task ConfigJson_WithADashboardUrl_GivesThePageThatLink()
    {
        var config = await ConfigOfClientAsync(new Dictionary<string, string> { ["Client__DashboardUrl"] = "http://127.0.0.1:3001/dashboard/" });

        Assert.Equal("http://127.0.0.1:3001/dashboard/", config.GetProperty("dashboardUrl").GetString());
    }

    [Fact]
    public async Task ClientWithoutTheLauncher_OffersNoFaultButtonsAndHasNoControlRoutes()
    {
        var (config, control) = await FromClientAsync(new Dictionary<string, string>(), async http =>
            (await http.GetFromJsonAsync<JsonElement>("/config.json"), await ControlCallAsync(http)));

        Assert.False(config.TryGetProperty("controls", out _), config.ToString());
        Assert.Equal(HttpStatusCode.NotFound, control);
    }

    [Fact]
    public async Task ClientWithTheLauncher_RefusesControlCallsThatAreNotFromItsPage()
    {
        // The launcher's address is a free port nobody listens on: a relayed call would answer 502.
        var settings = new Dictionary<string, string>
        {
            ["Client__ControlUrl"] = $"http://127.0.0.1:{FreePort.Next()}",
            ["Client__ControlSecret"] = "dev-only-secret-for-this-test-0000000000",
        };
        var (config, withoutHeader, foreignHost, fromThePage) = await FromClientAsync(settings, async http =>
            (await http.GetFromJsonAsync<JsonElement>("/config.json"),
             await ControlCallAsync(http, panelHeader: false),
             await ControlCallAsync(http, host: "chat.example"),
             await ControlCallAsync(http)));

        Assert.True(config.GetProperty("controls").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, withoutHeader);
        Assert.Equal(HttpStatusCode.Forbidden, foreignHost);
        Assert.Equal(HttpStatusCode.BadGateway, fromThePage);
    }

    [Fact]
    public async Task Page_NamesAnIconTheHostServes_SoBrowsersDoNotAskForAMissingFavicon()
    {
        var (page, icon) = await FromClientAsync(new Dictionary<string, string>(), async http =>
            (await http.GetStringAsync("/"), await http.GetAsync("/favicon.svg")));

        using (icon)
        {
            Assert.Contains("<link rel=\"icon\" href=\"favicon.svg\"", page, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
            Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        }
    }

    private static async Task<HttpStatusCode> ControlCallAsync(HttpClient http, bool panelHeader = true, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/control/silos/1/stop");
        if (panelHeader)
        {
            request.Headers.Add("X-Chat-Client", "cluster-panel");
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var answer = await http.SendAsync(request);
        return answer.StatusCode;
    }

    private static Task<JsonElement> ConfigOfClientAsync(Dictionary<string, string> settings) =>
        FromClientAsync(settings, http => http.GetFromJsonAsync<JsonElement>("/config.json"));

    /// <summary>Starts the client host with these settings and asks it, once it answers.</summary>
    private static async Task<T> FromClientAsync<T>(Dictionary<string, string> settings, Func<HttpClient, Task<T>> ask)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        settings["ASPNETCORE_URLS"] = url.ToString();
        await using var client = HostProcess.Start("Client", "client", settings);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        return await Eventually.SucceedsAsync(() => ask(http), TimeSpan.FromSeconds(60), "the client host answering");
    }
}

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

    private static async Task<JsonElement> ConfigOfClientAsync(Dictionary<string, string> settings)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        settings["ASPNETCORE_URLS"] = url.ToString();
        await using var client = HostProcess.Start("Client", "client", settings);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        return await Eventually.SucceedsAsync(() => http.GetFromJsonAsync<JsonElement>("/config.json"), TimeSpan.FromSeconds(60), "the client host answering");
    }
}

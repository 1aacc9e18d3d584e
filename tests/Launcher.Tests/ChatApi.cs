using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace WhatsApp.Launcher.Tests;

/// <summary>The few gateway calls the launcher tests make, as a person's client would make them.</summary>
public static class ChatApi
{
    public const string Password = "correct horse battery";

    /// <summary>Registers the user and returns their token.</summary>
    public static async Task<string> RegisterAsync(HttpClient http, long userId)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/register", new { userId, displayName = $"Smoke {userId}", password = Password });
        return await TokenAsync(response, HttpStatusCode.Created);
    }

    /// <summary>Logs the user in and returns their token.</summary>
    public static async Task<string> LoginAsync(HttpClient http, long userId)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/login", new { userId, password = Password });
        return await TokenAsync(response, HttpStatusCode.OK);
    }

    public static async Task SendAsync(HttpClient http, string token, long toUserId, string content, string clientMessageId)
    {
        using var send = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(new { toUserId, content, clientMessageId }) };
        send.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var sent = await http.SendAsync(send);
        Assert.True(sent.StatusCode == HttpStatusCode.Created, await sent.Content.ReadAsStringAsync());
    }

    /// <summary>The conversation of a and b as the token's user reads it (the body of the first page).</summary>
    public static async Task<string> HistoryAsync(HttpClient http, string token, long a, long b)
    {
        using var history = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{a}/{b}");
        history.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var page = await http.SendAsync(history);
        var body = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    private static async Task<string> TokenAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }
}

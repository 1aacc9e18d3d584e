using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Launcher.Tests;

public sealed class LauncherSmokeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("whatsapp-run-").FullName;

    [Fact(Timeout = 600_000)]
    public async Task Run_ChatThenStopAndStartAgain_KeepsTheMessage()
    {
        var ports = LauncherPorts.Free();
        var gateway = new Uri($"http://127.0.0.1:{ports.Gateway}");
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        var (alice, bob) = (TestIds.User(), TestIds.User());
        string aliceToken;

        await using (var first = await Launcher.StartAsync(ports, _data))
        {
            try
            {
                aliceToken = await RegisterAsync(http, alice);
                var bobToken = await RegisterAsync(http, bob);
                var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                await using var bobTab = new HubConnectionBuilder()
                    .WithUrl(new Uri(gateway, "/hubs/chat"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(bobToken))
                    .Build();
                bobTab.On<JsonElement>("message", message => received.TrySetResult(message));
                await bobTab.StartAsync();
                await bobTab.InvokeAsync<JsonElement>("GetInbox");

                using var send = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(new { toUserId = bob, content = "survives a restart", clientMessageId = "smoke-1" }) };
                send.Headers.Authorization = new AuthenticationHeaderValue("Bearer", aliceToken);
                using (var sent = await http.SendAsync(send))
                {
                    Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
                }

                var pushed = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal("survives a restart", pushed.GetProperty("content").GetString());
                using var dashboard = await new HttpClient().GetAsync($"http://127.0.0.1:{ports.Dashboard}/dashboard/");
                Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
                Assert.Contains($"http://127.0.0.1:{ports.Dashboard}/dashboard/", first.Output, StringComparison.Ordinal);
                using var client = await new HttpClient().GetAsync($"http://127.0.0.1:{ports.Client}/");
                Assert.Equal(HttpStatusCode.OK, client.StatusCode);
            }
            finally
            {
                Assert.True(await first.StopAsync(TimeSpan.FromSeconds(90)), "./run did not stop on Ctrl-C");
                output.WriteLine(first.Output);
            }

            Assert.Equal(0, first.ExitCode);
            Assert.Contains("stopped PostgreSQL", first.Output, StringComparison.Ordinal);
        }

        await using var second = await Launcher.StartAsync(ports, _data);

        // The same data folder: the same signing key (the old token still works) and the same PostgreSQL.
        using var history = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{alice}/{bob}");
        history.Headers.Authorization = new AuthenticationHeaderValue("Bearer", aliceToken);
        using var page = await http.SendAsync(history);
        var body = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("survives a restart", body, StringComparison.Ordinal);
        Assert.True(await second.StopAsync(TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public async Task Run_GatewayPortAlreadyTaken_StopsAtOnceWithAMessageNamingThePort()
    {
        var ports = LauncherPorts.Free();
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, ports.Gateway);
        squatter.Start();

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => Launcher.StartAsync(ports, _data));

        Assert.Contains($"Port {ports.Gateway} (gateway) is already in use", refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is shutting down; the folder is in the temp directory anyway.
        }
    }

    private static async Task<string> RegisterAsync(HttpClient http, long userId)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/register", new { userId, displayName = $"Smoke {userId}", password = "correct horse battery" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace WhatsApp.Launcher.Tests;

[Trait(TestCategories.Name, TestCategories.System)]
public sealed class LauncherSmokeTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFolder _data = new();

    [Fact(Timeout = 600_000)]
    public async Task Run_ChatThenStopAndStartAgain_KeepsTheMessage()
    {
        var ports = LauncherPorts.Free();
        var gateway = new Uri($"http://127.0.0.1:{ports.Gateway}");
        using var anonymous = new ChatApi(gateway);
        var (alice, bob) = (TestIds.User(), TestIds.User());
        string aliceToken;

        await using (var first = await RunScript.StartAsync(ports, _data.Path))
        {
            try
            {
                var (asAlice, aliceAuth) = await anonymous.RegisterAsync(alice);
                using var aliceApi = asAlice;
                aliceToken = aliceAuth.Token;
                var (bobApi, bobAuth) = await anonymous.RegisterAsync(bob);
                bobApi.Dispose();
                var bobToken = bobAuth.Token;
                var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                await using var bobTab = new HubConnectionBuilder()
                    .WithUrl(new Uri(gateway, "/hubs/chat"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(bobToken))
                    .Build();
                bobTab.On<JsonElement>("message", message => received.TrySetResult(message));
                await bobTab.StartAsync();
                await bobTab.InvokeAsync<JsonElement>("GetInbox");

                await aliceApi.SendAsync(bob, "survives a restart", "smoke-1");
                var pushed = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal("survives a restart", pushed.GetProperty("content").GetString());
                using var dashboard = await new HttpClient().GetAsync($"http://127.0.0.1:{ports.Dashboard}/dashboard/");
                Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
                Assert.Contains($"http://127.0.0.1:{ports.Dashboard}/dashboard/", first.Output, StringComparison.Ordinal);
                using var client = await new HttpClient().GetAsync($"http://127.0.0.1:{ports.Client}/");
                Assert.Equal(HttpStatusCode.OK, client.StatusCode);
                await StoreLockdown.AssertLockedAsync(_data.Path, ports);
            }
            finally
            {
                Assert.True(await first.StopAsync(TimeSpan.FromSeconds(90)), "./run did not stop on Ctrl-C");
                output.WriteLine(first.Output);
            }

            Assert.Equal(0, first.ExitCode);
            Assert.Contains("stopped PostgreSQL", first.Output, StringComparison.Ordinal);
        }

        await using var second = await RunScript.StartAsync(ports, _data.Path);

        // The same data folder: the same signing key (the old token still works), the same PostgreSQL and passwords.
        using var aliceAgain = new ChatApi(gateway, aliceToken);
        Assert.Contains("survives a restart", (await aliceAgain.HistoryAsync(alice, bob)).Messages.Select(message => message.Content));
        Assert.True(await second.StopAsync(TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public async Task Run_GatewayPortAlreadyTaken_StopsAtOnceWithAMessageNamingThePort()
    {
        var ports = LauncherPorts.Free();
        using var squatter = new System.Net.Sockets.TcpListener(IPAddress.Loopback, ports.Gateway);
        squatter.Start();

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => RunScript.StartAsync(ports, _data.Path));

        Assert.Contains($"Port {ports.Gateway} (gateway) is already in use", refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();
}

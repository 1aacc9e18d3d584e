using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace WhatsApp.Launcher.Tests;

/// <summary>
/// A data folder the first ./run made (PostgreSQL with trust authentication, silos logged in as the superuser
/// postgres, Redis without a password) keeps working after the upgrade, with every message, and gets locked down.
/// </summary>
[Trait(TestCategories.Name, TestCategories.System)]
public sealed class LauncherUpgradeTests(ITestOutputHelper output) : IDisposable
{
    private readonly DataFolder _data = new();

    [Fact(Timeout = 600_000)]
    public async Task Run_OnATrustAuthDataFolder_LocksItDownAndKeepsEveryMessage()
    {
        var (alice, bob) = (TestIds.User(), TestIds.User());
        await WriteAsTheFirstRunDidAsync(alice, bob, "sent before the upgrade");

        var ports = LauncherPorts.Free();
        using var anonymous = new ChatApi(new Uri($"http://127.0.0.1:{ports.Gateway}"));
        await using var run = await StartOrShowLogsAsync(ports);
        try
        {
            Assert.Contains("upgrading the data folder", run.Output, StringComparison.Ordinal);
            await StoreLockdown.AssertLockedAsync(_data.Path, ports);

            // The account and the message from before are there, and the silos (now the tables' owner) write new ones.
            var (asAlice, _) = await anonymous.LoginAsync(alice);
            using var aliceApi = asAlice;
            Assert.Contains("sent before the upgrade", (await aliceApi.HistoryAsync(alice, bob)).Messages.Select(message => message.Content));
            await aliceApi.SendAsync(bob, "sent after the upgrade", "upgrade-2");
            var (asBob, _) = await anonymous.LoginAsync(bob);
            using var bobApi = asBob;
            var history = (await bobApi.HistoryAsync(alice, bob)).Messages.Select(message => message.Content).ToList();
            Assert.Contains("sent before the upgrade", history);
            Assert.Contains("sent after the upgrade", history);
        }
        finally
        {
            Assert.True(await run.StopAsync(TimeSpan.FromSeconds(90)), "./run did not stop on Ctrl-C");
            output.WriteLine(run.Output);
        }
    }

    /// <summary>
    /// The first ./run's setup: initdb with trust authentication in the data folder's postgres/, a silo that logs in as
    /// postgres without a password (so it creates the database and owns nothing), Redis without a password; a message
    /// sent through its gateway.
    /// </summary>
    private async Task WriteAsTheFirstRunDidAsync(long alice, long bob, string content)
    {
        // The first ./run, as root, opened its data folder to the postgres user that way.
        File.SetUnixFileMode(_data.Path, File.GetUnixFileMode(_data.Path) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        await using var postgres = await PostgresServer.StartAsync(dataDirectory: Path.Combine(_data.Path, "postgres"));
        await using var redis = await RedisServer.StartAsync();
        await using var silo = HostProcess.Start("Silo", "first-run-silo", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgres.ConnectionString(),
            ["ConnectionStrings__Redis"] = redis.Configuration,
            ["Shard__Index"] = "0",
            ["Shard__Count"] = "1",
            ["Orleans__SiloPort"] = Text(FreePort.Next()),
            ["Orleans__GatewayPort"] = Text(FreePort.Next()),
            ["Metrics__Port"] = Text(FreePort.Next()),
        });
        var gatewayUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var gateway = HostProcess.Start("Gateway", "first-run-gateway", new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis.Configuration,
            ["Shard__Count"] = "1",
            ["Jwt__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["ASPNETCORE_URLS"] = gatewayUrl.ToString(),
        });
        using var http = new HttpClient { BaseAddress = gatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await Eventually.ReturnsAsync(
                () => http.GetFromJsonAsync<Health>("/healthz"), health => health?.ActiveSilos == 1, TimeSpan.FromMinutes(3), "the first run's cluster starting");
            using var anonymous = new ChatApi(gatewayUrl);
            var (asAlice, _) = await anonymous.RegisterAsync(alice);
            using var aliceApi = asAlice;
            (await anonymous.RegisterAsync(bob)).Api.Dispose();
            await aliceApi.SendAsync(bob, content, "upgrade-1");
        }
        catch
        {
            output.WriteLine($"----- silo -----\n{silo.Output}\n----- gateway -----\n{gateway.Output}");
            throw;
        }
    }

    /// <summary>./run on the data folder; when it does not get ready, the hosts' logs say why.</summary>
    private async Task<RunScript> StartOrShowLogsAsync(LauncherPorts ports)
    {
        try
        {
            return await RunScript.StartAsync(ports, _data.Path);
        }
        catch (InvalidOperationException)
        {
            foreach (var log in Directory.GetFiles(Path.Combine(_data.Path, "logs"), "*.log"))
            {
                output.WriteLine($"----- {log} -----\n{string.Join('\n', File.ReadLines(log).TakeLast(40))}");
            }

            throw;
        }
    }

    public void Dispose() => _data.Dispose();

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private sealed record Health(string Status, int ActiveSilos);
}

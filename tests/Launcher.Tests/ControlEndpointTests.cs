using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using WhatsApp.Launcher.Control;
using WhatsApp.Launcher.Hosting;
using WhatsApp.Launcher.Plan;

namespace WhatsApp.Launcher.Tests;

/// <summary>
/// The launcher's control endpoint, hosted as the launcher hosts it, over a plan whose one "silo" is a real process
/// (sleep) the supervisor owns. The in-memory server lets a test be a caller from another machine, which the real
/// endpoint (bound to 127.0.0.1) could never receive.
/// </summary>
public sealed class ControlEndpointTests : IAsyncLifetime
{
    private static readonly IPAddress Elsewhere = IPAddress.Parse("192.0.2.10");

    private readonly DataFolder _folder = new();
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private WebApplication _launcher = null!;

    public async Task InitializeAsync()
    {
        var secretFile = Path.Combine(_folder.Path, "launcher-control");
        await File.WriteAllTextAsync(secretFile, _secret);
        var plan = new LaunchPlan(
            new ControlPlan(0, secretFile),
            [new ProcessPlan("silo-0", ProcessRole.Silo, 0, _folder.Path, ["sleep", "600"], new Dictionary<string, string>(), Path.Combine(_folder.Path, "silo-0.log"))],
            []);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddClusterSupervision(plan);
        builder.AddControlEndpoint(plan);
        _launcher = builder.Build();
        _launcher.MapControlApi();
        await _launcher.StartAsync();
    }

    [Fact]
    public async Task Cluster_WithoutTheSecret_IsRefusedAsUnauthorized()
    {
        var answer = await CallAsync("GET", "/control/cluster", secret: null);

        Assert.Equal(StatusCodes.Status401Unauthorized, answer.StatusCode);
        Assert.Equal("Bearer", answer.Authenticate);
    }

    [Fact]
    public async Task StopSilo_WithAWrongSecret_IsRefusedAndTheSiloKeepsRunning()
    {
        var before = await StatusAsync();

        var answer = await CallAsync("POST", "/control/silos/0/stop", secret: _secret[..^1] + (_secret[^1] == 'A' ? 'B' : 'A'));

        Assert.Equal(StatusCodes.Status401Unauthorized, answer.StatusCode);
        var after = await StatusAsync();
        Assert.Equal("running", SiloState(after));
        Assert.Equal(ProcessIdOf(before), ProcessIdOf(after));
    }

    [Fact]
    public async Task StopSilo_FromAnotherMachineWithTheRightSecret_IsForbiddenAndTheSiloKeepsRunning()
    {
        var answer = await CallAsync("POST", "/control/silos/0/stop", _secret, caller: Elsewhere);

        Assert.Equal(StatusCodes.Status403Forbidden, answer.StatusCode);
        Assert.Equal("running", SiloState(await StatusAsync()));
    }

    [Fact]
    public async Task StopThenStartSilo_WithTheSecret_KillsTheProcessAndStartsANewOne()
    {
        var before = ProcessIdOf(await StatusAsync());

        var stopped = await CallAsync("POST", "/control/silos/0/stop", _secret);
        var stoppedAgain = await CallAsync("POST", "/control/silos/0/stop", _secret);
        var started = await CallAsync("POST", "/control/silos/0/start", _secret);

        Assert.Equal(StatusCodes.Status200OK, stopped.StatusCode);
        Assert.Equal("stopped", SiloState(stopped.Body));
        Assert.False(Directory.Exists($"/proc/{before}"), "the killed silo's process is gone");
        Assert.Equal(StatusCodes.Status409Conflict, stoppedAgain.StatusCode);
        Assert.Equal("running", SiloState(started.Body));
        Assert.NotEqual(before, ProcessIdOf(started.Body));
    }

    [Fact]
    public async Task Controls_OnAShardOrDatabaseThePlanDoesNotHave_AreNotFound()
    {
        Assert.Equal(StatusCodes.Status404NotFound, (await CallAsync("POST", "/control/silos/7/stop", _secret)).StatusCode);
        var database = await CallAsync("POST", "/control/databases/0/stop", _secret);
        Assert.Equal(StatusCodes.Status404NotFound, database.StatusCode);
        Assert.Contains("--databases", database.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> StatusAsync()
    {
        var answer = await CallAsync("GET", "/control/cluster", _secret);
        Assert.Equal(StatusCodes.Status200OK, answer.StatusCode);
        return answer.Body;
    }

    private static string? SiloState(JsonElement status) => status.GetProperty("silos")[0].GetProperty("state").GetString();

    private static int ProcessIdOf(JsonElement status) => status.GetProperty("silos")[0].GetProperty("processId").GetInt32();

    private async Task<ControlAnswer> CallAsync(string method, string path, string? secret, IPAddress? caller = null)
    {
        var context = await _launcher.GetTestServer().SendAsync(request =>
        {
            request.Request.Method = method;
            request.Request.Path = path;
            request.Connection.RemoteIpAddress = caller ?? IPAddress.Loopback;
            if (secret is not null)
            {
                request.Request.Headers.Authorization = $"Bearer {secret}";
            }
        });
        using var body = JsonDocument.Parse(context.Response.Body);
        return new ControlAnswer(context.Response.StatusCode, context.Response.Headers.WWWAuthenticate, body.RootElement.Clone());
    }

    private sealed record ControlAnswer(int StatusCode, string? Authenticate, JsonElement Body);

    public async Task DisposeAsync()
    {
        await _launcher.StopAsync();
        await _launcher.DisposeAsync();
        _folder.Dispose();
    }
}

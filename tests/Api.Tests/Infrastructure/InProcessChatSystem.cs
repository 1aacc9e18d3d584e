extern alias gateway;

using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using WhatsApp.Grains.Media;
using WhatsApp.Silo.Hosting;
using WhatsApp.Testing;

namespace WhatsApp.Api.Tests.Infrastructure;

/// <summary>
/// The product's own hosts in this process, shared by the API tests (every test uses fresh users): three silos built by
/// the silo's <c>AddChatSilo</c>, each owning its shard, and the gateway's whole <c>Program</c> served by Kestrel on a
/// loopback port, over throwaway PostgreSQL and Redis servers, configured by the same settings as the process-level
/// <see cref="ChatSystem"/>. Starting it takes seconds instead of a process per host, and the tests reach it exactly as
/// a browser would: HTTP and SignalR on a real socket.
/// </summary>
public sealed class InProcessChatSystem : IAsyncLifetime
{
    private const int ShardCount = ChatSystem.ShardCount;
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private readonly string _clusterId = "api-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IHost> _silos = [];
    private PostgresServer? _postgres;
    private RedisServer? _redis;
    private GatewayHost? _gateway;

    public Uri GatewayUrl { get; } = new($"http://127.0.0.1:{FreePort.Next()}");

    public ChatApi Api(string? token = null) => new(GatewayUrl, token);

    /// <summary>
    /// How old an unsent upload must be for the silos' sweep to forget it: short here, so a test can see one forgotten.
    /// The sweep itself runs hourly, so it never runs in the middle of a test unless the test asks (<see cref="SweepAbandonedUploadsAsync"/>).
    /// </summary>
    public static readonly TimeSpan AbandonedUploadAge = TimeSpan.FromSeconds(3);

    /// <summary>Every silo sweeps its shard's database for abandoned uploads once, now; the uploads forgotten.</summary>
    public async Task<int> SweepAbandonedUploadsAsync()
    {
        var forgotten = 0;
        foreach (var silo in _silos)
        {
            forgotten += await silo.Services.GetRequiredService<AbandonedUploadSweeper>().SweepAsync();
        }

        return forgotten;
    }

    /// <summary>
    /// Asks the silos' database one question with one number for an answer (how many rows of something), for tests
    /// of what is stored; $1 is this system's service id, <paramref name="values"/> follow as $2, $3, ...
    /// </summary>
    public async Task<long> CountAsync(string sql, params object[] values)
    {
        await using var connection = new NpgsqlConnection(_postgres!.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = _clusterId } } };
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: left running, the servers would outlive the test run.
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        _redis = await RedisServer.StartAsync();
        for (var shard = 0; shard < ShardCount; shard++)
        {
            _silos.Add(BuildSilo(shard, _postgres, _redis));
        }

        await Task.WhenAll(_silos.Select(silo => silo.StartAsync()));

        var settings = TestHostSettings.Gateway(ShardCount, _redis, _clusterId, Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)), traceSends: true);
        foreach (var (key, value) in TestHostSettings.SharedGateway)
        {
            settings[key] = value;
        }

        settings["urls"] = GatewayUrl.ToString();
        settings["Dashboard__Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        _gateway = new GatewayHost(TestHostSettings.AsConfiguration(settings));
        _gateway.UseKestrel();
        _gateway.StartServer();
        await GatewayReadiness.WaitForSilosAsync(GatewayUrl, ShardCount, StartBound, () => null, () => "(in-process gateway: its logs are not kept)");
    }

    private IHost BuildSilo(int shard, PostgresServer postgres, RedisServer redis)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development });
        var settings = TestHostSettings.Silo(shard, ShardCount, [postgres], redis, _clusterId, SiloPorts.Free(), traceSends: true);
        settings["Media__AbandonedUploadAge"] = AbandonedUploadAge.ToString("c", CultureInfo.InvariantCulture);
        builder.Configuration.AddInMemoryCollection(TestHostSettings.AsConfiguration(settings));
        builder.AddChatSilo(SiloSettings.Read(builder.Configuration, isDevelopment: true));
        return builder.Build();
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }

        _silos.Clear();

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>The gateway's own Program, its configuration replaced by the test deployment's.</summary>
    private sealed class GatewayHost(IEnumerable<KeyValuePair<string, string?>> settings) : WebApplicationFactory<gateway::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(Environments.Development);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            // The tests read answers, not request logs; the process-level tests check what the gateway logs.
            builder.ConfigureLogging(logging => logging.ClearProviders());
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InProcessChatSystemCollection : ICollectionFixture<InProcessChatSystem>
{
    public const string Name = "in-process chat system";
}

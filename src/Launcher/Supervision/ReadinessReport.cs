using WhatsApp.Launcher.Plan;

namespace WhatsApp.Launcher.Supervision;

/// <summary>
/// Waits until the gateway sees every silo and the web client answers, showing progress, then prints where everything
/// is. A cluster that does not get ready in time stops the run with the tail of the log that says why.
/// </summary>
public sealed class ReadinessReport(LaunchOptions options, LocalLayout layout, IHostApplicationLifetime lifetime) : BackgroundService
{
    private static readonly TimeSpan ClusterBound = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ClientBound = TimeSpan.FromMinutes(1);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var gateway = $"http://127.0.0.1:{options.GatewayPort}";
        var client = $"http://127.0.0.1:{options.ClientPort}/";
        if (!await WaitAsync($"cluster ({options.Shards} silos behind the gateway)", ClusterBound, () => SeesEverySiloAsync(gateway), "gateway", stoppingToken)
            || !await WaitAsync("client", ClientBound, () => AnswersAsync(client), "client", stoppingToken))
        {
            return;
        }

        var postgres = options.Databases > 1
            ? $"one per shard: 127.0.0.1:{options.PostgresPort} ... :{options.PostgresPort + options.Databases - 1}"
            : $"127.0.0.1:{options.PostgresPort} (every shard)";
        Console.WriteLine($"""

              WhatsApp on Orleans is running.

                Chat        http://localhost:{options.ClientPort}      (open it in two tabs, register two numbers, chat)
                API         http://localhost:{options.GatewayPort}/api      (docs/api.md; OpenAPI at /openapi/v1.json)
                Dashboard   http://127.0.0.1:{options.DashboardPort}/dashboard/   (this machine only)
                Shards      http://localhost:{options.GatewayPort}/api/health/shards
                PostgreSQL  {postgres}
                Metrics     http://localhost:{options.GatewayPort}/metrics (gateway), http://127.0.0.1:{options.MetricsPort}/metrics ... :{options.MetricsPort + options.Shards - 1} (silos)
                Logs        {layout.Logs}

              Press Ctrl-C to stop everything.

            """);
    }

    private async Task<bool> WaitAsync(string what, TimeSpan bound, Func<Task<bool>> ready, string logOf, CancellationToken stoppingToken)
    {
        // A host that dies meanwhile stops the run (the supervisor says which), which ends this wait too.
        if (await Progress.WaitAsync(what, bound, ready, gaveUp: () => false, stoppingToken))
        {
            return true;
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            Progress.Tail(layout.Log(logOf));
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }

        return false;
    }

    /// <summary>The gateway's /healthz counts every shard's silo as active.</summary>
    private async Task<bool> SeesEverySiloAsync(string gateway)
    {
        try
        {
            var health = await _http.GetStringAsync($"{gateway}/healthz");
            return health.Contains($"\"activeSilos\":{options.Shards}}}", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> AnswersAsync(string url)
    {
        try
        {
            using var answer = await _http.GetAsync(url);
            return answer.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using WhatsApp.Launcher.Plan;
using WhatsApp.Launcher.Supervision;

namespace WhatsApp.Launcher.Stores;

/// <summary>
/// The run's private Redis (cluster membership) on 127.0.0.1, password required. It keeps nothing on disk: membership
/// is rebuilt by the silos as they join.
/// </summary>
public sealed class LocalRedis(int port, LocalLayout layout, Secrets secrets)
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    private Process? _process;

    /// <summary>What the silos and the gateway connect with (StackExchange.Redis configuration).</summary>
    public string Configuration => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)},password={secrets.Get(Secrets.RedisPassword)}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Progress.Step($"Redis on 127.0.0.1:{port}");
        Directory.CreateDirectory(layout.Redis);
        var log = layout.Log("redis");
        // The password goes in as a configuration line on standard input, so no command line shows it.
        var info = ManagedProcess.InOwnSession(log, [
            "redis-server", "-", "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", layout.Redis, "--save", "", "--appendonly", "no"]);
        info.RedirectStandardInput = true;
        _process = Process.Start(info) ?? throw new LaunchFailedException("redis-server did not start.", log);
        await _process.StandardInput.WriteLineAsync($"requirepass {secrets.Get(Secrets.RedisPassword)}");
        _process.StandardInput.Close();
        var process = _process;
        if (!await Progress.WaitAsync("Redis", StartBound, () => LoopbackPort.AnswersAsync(port), () => process.HasExited, cancellationToken))
        {
            // A Ctrl-C meanwhile is no failure of Redis's.
            cancellationToken.ThrowIfCancellationRequested();
            throw new LaunchFailedException("Redis is not running.", log);
        }
    }

    /// <summary>Asks Redis to stop (SIGTERM) and kills it if it has not within 30 s.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } running)
        {
            return;
        }

        await Terminal.RunAsync(["kill", "-TERM", running.Id.ToString(CultureInfo.InvariantCulture)], StopBound);
        using var grace = new CancellationTokenSource(StopBound);
        await running.WaitForExitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!running.HasExited)
        {
            running.Kill();
            await running.WaitForExitAsync();
        }

        Progress.Detail("stopped redis");
    }
}

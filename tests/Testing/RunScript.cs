using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace WhatsApp.Testing;

/// <summary>./run as a person runs it (on free ports and a data folder of its own), stopped with Ctrl-C (SIGINT).</summary>
public sealed class RunScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunScript(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <param name="ports">Where everything listens.</param>
    /// <param name="dataFolder">The data folder (--data).</param>
    /// <param name="options">More of ./run's options, e.g. --databases 3.</param>
    public static async Task<RunScript> StartAsync(LauncherPorts ports, string dataFolder, params string[] options)
    {
        var launcher = new RunScript(ExternalProcess.Start("bash", [
            Path.Combine(RepositoryLayout.Root, "run"), "--no-build", "--data", dataFolder,
            "--gateway-port", Text(ports.Gateway), "--dashboard-port", Text(ports.Dashboard), "--client-port", Text(ports.Client),
            "--postgres-port", Text(ports.Postgres), "--redis-port", Text(ports.Redis),
            "--silo-port", Text(ports.SiloBase), "--silo-gateway-port", Text(ports.SiloGatewayBase), "--metrics-port", Text(ports.MetricsBase),
            "--control-port", Text(ports.Control),
            .. options]));
        var exited = launcher._process.WaitForExitAsync();
        var finished = await Task.WhenAny(launcher._ready.Task, exited, Task.Delay(TimeSpan.FromMinutes(3)));
        return finished == launcher._ready.Task
            ? launcher
            : throw new InvalidOperationException($"./run did not report ready:\n{launcher.Output}");
    }

    /// <summary>Ctrl-C: the launcher stops everything it started and exits.</summary>
    public Task<bool> StopAsync(TimeSpan within) => SignalAndWaitAsync("INT", within);

    /// <summary>
    /// Ctrl-C, unless it has exited already; then SIGTERM (a stop to the launcher too) when Ctrl-C did not end it: after
    /// a test that failed on Ctrl-C, or under a runner started in the background, which ignores SIGINT. Either way
    /// nothing it started outlives the test.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited && !await StopAsync(TimeSpan.FromSeconds(60)))
        {
            await SignalAndWaitAsync("TERM", TimeSpan.FromSeconds(60));
        }

        _process.Dispose();
    }

    private async Task<bool> SignalAndWaitAsync(string signal, TimeSpan within)
    {
        await ExternalProcess.RunAsync("kill", [$"-{signal}", Text(_process.Id)], TimeSpan.FromSeconds(5));
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line?.Contains("is running", StringComparison.Ordinal) == true)
        {
            _ready.TrySetResult();
        }
    }
}

public sealed record LauncherPorts(int Gateway, int Dashboard, int Client, int Postgres, int Redis, int SiloBase, int SiloGatewayBase, int MetricsBase, int Control)
{
    /// <summary>
    /// Free ports, with room for three silos after each base and three PostgreSQL servers after its port (none of
    /// ./run's defaults, which a running ./run holds).
    /// </summary>
    public static LauncherPorts Free() => new(FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.NextRun(3), FreePort.Next(), FreePort.NextRun(3), FreePort.NextRun(3), FreePort.NextRun(3), FreePort.Next());
}

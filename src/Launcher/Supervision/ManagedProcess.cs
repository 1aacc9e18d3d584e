using System.Diagnostics;
using System.Globalization;
using WhatsApp.Launcher.Plan;

namespace WhatsApp.Launcher.Supervision;

/// <summary>
/// One host of the plan, started again as often as asked. It runs in a session of its own (setsid), so a Ctrl-C in the
/// terminal reaches only the launcher, which stops everything in order; its output goes to its log file.
/// </summary>
public sealed class ManagedProcess(ProcessPlan plan)
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private Process? _process;
    private bool _stopRequested;

    public ProcessPlan Plan => plan;

    public string Name => plan.Name;

    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false } running ? running.Id : null;
            }
        }
    }

    public bool IsRunning => ProcessId is not null;

    /// <summary>Starts the process; the task completes when it exits, with whether a stop was asked for.</summary>
    /// <exception cref="InvalidOperationException">It is running already.</exception>
    public Task<bool> Start()
    {
        Process process;
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} is running already.");
            }

            _process?.Dispose();
            _stopRequested = false;
            _process = process = Process.Start(StartInfo()) ?? throw new InvalidOperationException($"{Name} did not start.");
        }

        return ExitedAsync(process);
    }

    /// <summary>Kills the process outright (SIGKILL), as a crash or a pulled plug would.</summary>
    public async Task KillAsync()
    {
        var process = Stopping();
        if (process is null)
        {
            return;
        }

        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>Asks the process to stop (SIGTERM), waits for it to leave in good order, and kills it if it will not.</summary>
    public async Task StopAsync()
    {
        var process = Stopping();
        if (process is null)
        {
            return;
        }

        await Terminal.RunAsync(["kill", "-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], GracePeriod);
        using var grace = new CancellationTokenSource(GracePeriod);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private Process? Stopping()
    {
        lock (_gate)
        {
            if (_process is not { HasExited: false } running)
            {
                return null;
            }

            _stopRequested = true;
            return running;
        }
    }

    private async Task<bool> ExitedAsync(Process process)
    {
        await process.WaitForExitAsync();
        lock (_gate)
        {
            return _stopRequested || !ReferenceEquals(process, _process);
        }
    }

    private ProcessStartInfo StartInfo()
    {
        var info = InOwnSession(plan.Log, plan.Command);
        info.WorkingDirectory = plan.Directory;
        foreach (var (key, value) in plan.Environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>
    /// A command in a session of its own (a Ctrl-C in the terminal reaches only the launcher), its output appended to
    /// <paramref name="log"/>. setsid keeps the process id (the launcher's children are not group leaders, so it execs in
    /// place), and so does the shell, which only opens the log and execs the command: the pid held is the command's own.
    /// </summary>
    public static ProcessStartInfo InOwnSession(string log, IEnumerable<string> command)
    {
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in (string[])["sh", "-c", "log=$1; shift; exec \"$@\" >> \"$log\" 2>&1", "sh", log, .. command])
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }
}

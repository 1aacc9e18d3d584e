using System.Runtime.InteropServices;
using WhatsApp.Launcher.Plan;

namespace WhatsApp.Launcher.Hosting;

/// <summary>The launcher's command line (./run's options) and its Ctrl-C before the host takes it over.</summary>
public static class LauncherCommandLine
{
    /// <summary>The options, or null with the exit code: 0 after --help, 2 after a command line it cannot act on.</summary>
    public static LaunchOptions? Read(IReadOnlyList<string> arguments, out int exitCode)
    {
        exitCode = 0;
        try
        {
            if (LaunchOptions.Parse(arguments) is { } options)
            {
                return options;
            }

            Console.WriteLine(LaunchOptions.Usage);
        }
        catch (LaunchOptionsException refusal)
        {
            Console.Error.WriteLine(refusal.Message);
            Console.Error.WriteLine(LaunchOptions.Usage);
            exitCode = 2;
        }

        return null;
    }

    /// <summary>
    /// Ctrl-C (or SIGTERM) cancels the token instead of ending the process at once, so that whatever started so far
    /// (a PostgreSQL server, Redis) is stopped before the launcher exits.
    /// </summary>
    public static Interruption CancelOnInterrupt() => new();
}

public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;

    public Interruption() => _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }.Select(signal => PosixSignalRegistration.Create(signal, Cancel))];

    public CancellationToken Token => _source.Token;

    public bool IsCancellationRequested => _source.IsCancellationRequested;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void Cancel(PosixSignalContext context)
    {
        context.Cancel = true;
        _source.Cancel();
    }
}

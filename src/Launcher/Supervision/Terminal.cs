using System.Diagnostics;

namespace WhatsApp.Launcher.Supervision;

/// <summary>Runs a short command to its end (pg_ctl, kill) in a session of its own, and reports how it went.</summary>
public static class Terminal
{
    public static async Task<CommandResult> RunAsync(IReadOnlyList<string> command, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command[0]} did not start.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            var output = $"{await standardOutput}{await standardError}".Trim();
            return new CommandResult(process.ExitCode == 0, output);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new CommandResult(false, $"{command[0]} did not finish within {timeout.TotalSeconds:0} s.");
        }
    }
}

public sealed record CommandResult(bool Succeeded, string Output);

using System.Diagnostics;

namespace WhatsApp.Launcher.Supervision;

/// <summary>Runs a short command to its end (pg_ctl, psql, kill) in a session of its own, and reports how it went.</summary>
public static class Terminal
{
    /// <param name="command">The program and its arguments.</param>
    /// <param name="timeout">How long it may take before it is killed.</param>
    /// <param name="environment">Settings for it alone (a password, which no command line may show).</param>
    /// <param name="input">What it reads on standard input (SQL for psql, say).</param>
    public static async Task<CommandResult> RunAsync(
        IReadOnlyList<string> command, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? input = null)
    {
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command[0]} did not start.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return new CommandResult(process.ExitCode == 0, (await standardOutput).Trim(), (await standardError).Trim());
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new CommandResult(false, string.Empty, $"{command[0]} did not finish within {timeout.TotalSeconds:0} s.");
        }
    }
}

/// <summary>How a command ended: whether it succeeded, what it printed, and what it said on standard error.</summary>
public sealed record CommandResult(bool Succeeded, string Output, string Errors)
{
    /// <summary>Both streams, for a message about a failure.</summary>
    public string Said => $"{Output}\n{Errors}".Trim();
}

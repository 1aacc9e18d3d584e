using System.Diagnostics;
using System.Text;

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
        var output = new StringBuilder();
        var reading = Task.WhenAll(
            process.StandardOutput.ReadToEndAsync().ContinueWith(read => Append(output, read.Result), TaskScheduler.Default),
            process.StandardError.ReadToEndAsync().ContinueWith(read => Append(output, read.Result), TaskScheduler.Default));
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await reading;
            return new CommandResult(process.ExitCode == 0, Text(output));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new CommandResult(false, $"{command[0]} did not finish within {timeout.TotalSeconds:0} s. {Text(output)}");
        }
    }

    private static void Append(StringBuilder output, string text)
    {
        lock (output)
        {
            output.Append(text);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().Trim();
        }
    }
}

public sealed record CommandResult(bool Succeeded, string Output);

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace WhatsApp.Testing;

/// <summary>
/// One of the product's hosts (src/Silo, src/Gateway, src/Client) as a real process, started from its own build output
/// (so it reads its own appsettings.json) and configured only through environment variables, as in production.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// The hosts' environment in tests: ASP.NET Core validates service lifetimes in it, so a mis-scoped service fails a
    /// test instead of a user. ./run starts them in Production.
    /// </summary>
    public const string TestEnvironment = "Development";

    public string Name { get; }

    /// <summary>The operating system's process id, e.g. to read its memory from /proc or attach a diagnostics client.</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
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

    /// <summary>Starts a built host (Silo, Gateway, Client) as a process of its own, configured by environment variables.</summary>
    /// <param name="project">The host project's name.</param>
    /// <param name="name">What the output and failures call it.</param>
    /// <param name="environment">Settings as environment variables (ConnectionStrings__Postgres, ...).</param>
    /// <param name="arguments">Command-line arguments after the host's dll (a verb such as split-databases).</param>
    /// <param name="environmentName">DOTNET_ENVIRONMENT and ASPNETCORE_ENVIRONMENT: Development or Production.</param>
    public static HostProcess Start(
        string project, string name, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string>? arguments = null, string environmentName = TestEnvironment)
    {
        var folder = RepositoryLayout.HostOutput(project);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(folder, $"WhatsApp.{project}.dll"));
        foreach (var argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["DOTNET_ENVIRONMENT"] = environmentName;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = environmentName;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return new HostProcess(name, Process.Start(info) ?? throw new InvalidOperationException($"Could not start {project}."));
    }

    /// <summary>Asks the process to stop as Ctrl-C or `docker stop` would (SIGTERM).</summary>
    public Task<string> StopGracefullyAsync() =>
        ExternalProcess.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    /// <summary>Freezes the process (SIGSTOP): it holds its connections and reads nothing until it is killed.</summary>
    public Task<string> FreezeAsync() =>
        ExternalProcess.RunAsync("kill", ["-STOP", _process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Ends the process at once, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>The real silo host (src/Silo) as its own process, configured only through environment variables.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(int shard, int siloPort, Process process)
    {
        Shard = shard;
        SiloPort = siloPort;
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Shard { get; }

    public int SiloPort { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

    public static SiloProcess Start(int shard, string postgres, string redis, string clusterId)
    {
        var siloPort = FreePort.Next();
        var silo = Path.Combine(AppContext.BaseDirectory, "WhatsApp.Silo.dll");
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgres,
            ["ConnectionStrings__Redis"] = redis,
            ["Shard__Index"] = shard.ToString(CultureInfo.InvariantCulture),
            ["Shard__Count"] = "3",
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            ["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        return new SiloProcess(shard, siloPort, ExternalProcess.Start("dotnet", [silo], environment));
    }

    /// <summary>Asks the silo to stop as an operator's Ctrl-C or `docker stop` would (SIGTERM).</summary>
    public Task<string> StopGracefullyAsync() =>
        ExternalProcess.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

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

using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace WhatsApp.Testing;

/// <summary>
/// A real redis-server for one test run, on a free port of 127.0.0.1, with its data in a temp folder; killed and removed
/// on dispose. It saves only when stopped on purpose, so a test can stop it and start it again with what it held, as a
/// restart of a production Redis keeps its data.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(20);
    private readonly string _directory;
    private Process _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
        _process = Launch(directory, port);
    }

    public int Port { get; }

    /// <summary>The running redis-server process (a new one after a restart).</summary>
    public int ProcessId => _process.Id;

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(Directory.CreateTempSubdirectory("whatsapp-redis-").FullName, FreePort.Next());
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>Stops the server (it saves what it holds first); clients see connections refused until it starts again.</summary>
    public async Task StopServerAsync()
    {
        try
        {
            await CommandAsync("SHUTDOWN SAVE");
        }
        catch (IOException)
        {
            // It may drop the connection without a word as it goes.
        }

        using var bound = new CancellationTokenSource(StartBound);
        await _process.WaitForExitAsync(bound.Token);
        _process.Dispose();
    }

    /// <summary>Starts the server again after <see cref="StopServerAsync"/>, on the same port, with the data it saved.</summary>
    public async Task StartServerAsync()
    {
        _process = Launch(_directory, Port);
        await WaitUntilReadyAsync();
    }

    /// <summary>
    /// Freezes the server (SIGSTOP), as a partition would: connections stay open and every command waits, unanswered,
    /// until <see cref="ThawAsync"/>.
    /// </summary>
    public Task FreezeAsync() => ExternalProcess.RunAsync("kill", ["-STOP", ProcessId.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    public Task ThawAsync() => ExternalProcess.RunAsync("kill", ["-CONT", ProcessId.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static Process Launch(string directory, int port)
    {
        // No save points: it writes its data only when told to (SHUTDOWN SAVE), never behind a test's back.
        var process = ExternalProcess.Start("redis-server", [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--dir", directory]);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await CommandAsync("PING")).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (SocketException) when (deadline.Elapsed < StartBound && !_process.HasExited)
            {
            }

            if (_process.HasExited || deadline.Elapsed >= StartBound)
            {
                throw new InvalidOperationException($"redis-server on port {Port} did not start.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sends one inline command and returns the first bytes of the answer (none when the server closes, as SHUTDOWN does).</summary>
    private async Task<string> CommandAsync(string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[64];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}

using System.Globalization;
using Npgsql;
using WhatsApp.Launcher.Stores;

namespace WhatsApp.Testing;

/// <summary>How much a throwaway PostgreSQL server syncs to disk.</summary>
public enum PostgresDurability
{
    /// <summary>No fsync, asynchronous commit: tests stop the server, they do not pull the plug, and run faster so.</summary>
    Relaxed,

    /// <summary>PostgreSQL's defaults (fsync and synchronous_commit on), as shipped: what a benchmark of durable sends needs.</summary>
    AsShipped,
}

/// <summary>
/// A real PostgreSQL server for one test run: initdb in a temp folder, listening on a free port on 127.0.0.1 only,
/// removed on dispose. Durability is relaxed unless <see cref="PostgresDurability.AsShipped"/> is asked for.
/// Like the first ./run, it trusts every local connection as the superuser postgres (no password).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _directory;

    private PostgresServer(string directory, string dataDirectory, int port, PostgresDurability durability)
    {
        _directory = directory;
        DataDirectory = dataDirectory;
        Port = port;
        Durability = durability;
    }

    public PostgresDurability Durability { get; }

    public int Port { get; }

    /// <summary>The cluster's files (initdb's -D).</summary>
    public string DataDirectory { get; }

    /// <summary>
    /// The running postmaster, the parent of every backend and helper process (pg_ctl leaves it running on its own, so
    /// its id comes from the first line of postmaster.pid).
    /// </summary>
    public int ServerProcessId => int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    public string ConnectionString(string database = "whatsapp") =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=true;Timeout=5";

    /// <param name="durability">Relaxed for tests; as shipped (fsync on) for benchmarks of durable sends.</param>
    /// <param name="dataDirectory">
    /// Where the cluster's files go, kept on dispose (a data folder as a test of ./run needs it; its parent must let the
    /// postgres user through when the tests run as root); by default a temp folder, removed on dispose.
    /// </param>
    public static async Task<PostgresServer> StartAsync(PostgresDurability durability = PostgresDurability.Relaxed, string? dataDirectory = null)
    {
        var directory = Directory.CreateTempSubdirectory("whatsapp-pg-").FullName;
        var server = new PostgresServer(directory, dataDirectory ?? Path.Combine(directory, "data"), FreePort.Next(), durability);
        if (PostgresTools.RunsAsRoot)
        {
            // initdb and postgres refuse to run as root.
            Directory.CreateDirectory(server.DataDirectory);
            await ExternalProcess.RunAsync("chown", ["-R", "postgres:postgres", directory, server.DataDirectory], TimeSpan.FromSeconds(10));
        }

        string[] initdb = ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8"];
        await RunToolAsync("initdb", durability == PostgresDurability.Relaxed ? [.. initdb, "--no-sync"] : initdb);
        await server.StartServerAsync();
        return server;
    }

    /// <summary>Starts the server again after <see cref="StopServerAsync"/>, on the same port and data.</summary>
    public Task<string> StartServerAsync()
    {
        var relaxed = Durability == PostgresDurability.Relaxed ? " -c fsync=off -c synchronous_commit=off -c full_page_writes=off" : string.Empty;
        return RunToolAsync("pg_ctl", [
            "-D", DataDirectory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_directory} -c max_connections=300{relaxed}",
            "start"]);
    }

    /// <summary>
    /// Stops the server at once, cutting every connection. A server as shipped stops as a crash would (immediate mode:
    /// what it acknowledged is on disk); a relaxed one, whose acknowledged commits may still be only in memory, writes
    /// them out first (fast mode), or a test would see committed rows vanish that a real deployment keeps.
    /// </summary>
    public Task<string> StopServerAsync() =>
        RunToolAsync("pg_ctl", ["-D", DataDirectory, "-m", Durability == PostgresDurability.Relaxed ? "fast" : "immediate", "-w", "stop"]);

    /// <summary>
    /// Freezes the server (SIGSTOP to the postmaster and every backend): connections stay open, every statement waits,
    /// as a server stalled on its disk would hold them, until <see cref="ThawAsync"/>.
    /// </summary>
    public async Task FreezeAsync()
    {
        // The postmaster first, so it starts no backend that the signal to its children would miss.
        await SignalAsync("kill", "-STOP");
        await SignalAsync("pkill", "-STOP", "-P");
    }

    public async Task ThawAsync()
    {
        await SignalAsync("pkill", "-CONT", "-P");
        await SignalAsync("kill", "-CONT");
    }

    private Task<string> SignalAsync(string tool, params string[] options) =>
        ExternalProcess.RunAsync(tool, [.. options, ServerProcessId.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    /// <summary>One query on a connection of its own (not pooled: the tests restart this server under it).</summary>
    public async Task<T?> QueryScalarAsync<T>(string sql, string database = "whatsapp")
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(database)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped by the test.
        }

        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static Task<string> RunToolAsync(string tool, params string[] arguments)
    {
        var command = PostgresTools.AsPostgres(tool, arguments);
        return ExternalProcess.RunAsync(command[0], command[1..], TimeSpan.FromSeconds(90));
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using WhatsApp.Launcher.Plan;
using WhatsApp.Launcher.Supervision;

namespace WhatsApp.Launcher.Stores;

/// <summary>
/// One private PostgreSQL server of the run (the one every shard shares, or shard <see cref="Index"/>'s own), on
/// 127.0.0.1: initialised the first time with a superuser password, started with pg_ctl, and given the silos' role and
/// database on every start. It runs as the postgres user when ./run runs as root (PostgreSQL refuses root).
/// </summary>
public sealed partial class LocalPostgres(int index, int port, LocalLayout layout, Secrets secrets)
{
    public const string SiloRole = "whatsapp_silo";
    public const string Database = "whatsapp";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _data = layout.PostgresData(index);

    public int Index => index;

    public int Port => port;

    /// <summary>What the silos connect with: their own role, never the superuser.</summary>
    public string SiloConnectionString =>
        $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Database={Database};Username={SiloRole};Password={secrets.Get(Secrets.PostgresSiloPassword)}";

    /// <summary>pg_ctl's start, for this launcher and for the fault buttons' "start database".</summary>
    public IReadOnlyList<string> StartCommand => PostgresTools.AsPostgres("pg_ctl",
        "-D", _data, "-l", layout.PostgresLog(index), "-w", "-t", "60", "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {_data}", "start");

    /// <summary>The fault buttons' "stop database": as a crash would (immediate: no checkpoint, clients cut off).</summary>
    public IReadOnlyList<string> CrashCommand => PostgresTools.AsPostgres("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");

    public async Task StartAsync()
    {
        Progress.Step($"PostgreSQL {index} on 127.0.0.1:{port} (data in {_data})");
        if (!File.Exists(Path.Combine(_data, "PG_VERSION")))
        {
            await InitialiseAsync();
        }

        if (PostgresTools.RunsAsRoot)
        {
            // The server writes its log among the others.
            await OwnAsync(layout.Logs, recursive: false);
            File.AppendAllText(layout.PostgresLog(index), string.Empty);
            await OwnAsync(layout.PostgresLog(index), recursive: false);
        }

        await RunOrFailAsync(StartCommand, $"PostgreSQL {index} failed to start.", layout.PostgresLog(index));
        if (TrustsLocalConnections())
        {
            await LockDownAsync();
        }

        // The silos' role and the database it owns, made or brought up to date on every start (idempotent, a few ms).
        var role = await Terminal.RunAsync(
            SuperuserSql("-v", $"database={Database}", "-v", $"silo_role={SiloRole}", "-f", Path.Combine(LocalLayout.Repository, "deploy", "postgres", "silo-role.sql")),
            CommandTimeout,
            Passwords(("SILO_PASSWORD", secrets.Get(Secrets.PostgresSiloPassword))));
        await File.WriteAllTextAsync(SetupLog, role.Said);
        if (!role.Succeeded)
        {
            throw new LaunchFailedException($"Setting up the silos' database role failed (wrong password in {layout.Secrets}?).", SetupLog);
        }

        Progress.Detail($"PostgreSQL {index}: ready (scram-sha-256; the silos log in as {SiloRole}; passwords in {layout.Secrets})");
    }

    /// <summary>Stops the server in good order (fast: a checkpoint, then out), if it runs.</summary>
    public async Task StopAsync()
    {
        if (File.Exists(Path.Combine(_data, "postmaster.pid")))
        {
            await Terminal.RunAsync(PostgresTools.AsPostgres("pg_ctl", "-D", _data, "-m", "fast", "-w", "stop"), CommandTimeout);
            Progress.Detail($"stopped PostgreSQL {index}");
        }
    }

    /// <summary>One query as the superuser, its answer as text (psql's unaligned tuples).</summary>
    public async Task<string> QueryAsync(string sql, string database = Database)
    {
        var answer = await Terminal.RunAsync(SuperuserSql("-d", database, "-tA", "-c", sql), CommandTimeout, Passwords());
        return answer.Succeeded ? answer.Output : throw new LaunchFailedException($"A query on PostgreSQL {index} failed: {answer.Errors}");
    }

    private string SetupLog => layout.Log("postgres-setup");

    private async Task InitialiseAsync()
    {
        Directory.CreateDirectory(_data);
        // Generated before initdb, which reads it from its file.
        _ = secrets.Get(Secrets.PostgresSuperuserPassword);
        var passwordFile = secrets.PathOf(Secrets.PostgresSuperuserPassword);
        if (PostgresTools.RunsAsRoot)
        {
            // The postgres user must reach its folder, and initdb (running as postgres) reads the superuser's password
            // from a copy it owns, removed right after.
            File.SetUnixFileMode(layout.Data, File.GetUnixFileMode(layout.Data) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            await OwnAsync(_data, recursive: true);
            var copy = Path.Combine(layout.Data, "initdb-password");
            await RunOrFailAsync(["install", "-m", "600", "-o", "postgres", "-g", "postgres", passwordFile, copy], "Copying the superuser's password for initdb failed.");
            passwordFile = copy;
        }

        var initdbLog = layout.Log($"initdb-{index}");
        try
        {
            var initdb = await Terminal.RunAsync(
                PostgresTools.AsPostgres("initdb", "-D", _data, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8"), CommandTimeout);
            await File.WriteAllTextAsync(initdbLog, initdb.Said);
            if (!initdb.Succeeded)
            {
                throw new LaunchFailedException("initdb failed", initdbLog);
            }
        }
        finally
        {
            if (PostgresTools.RunsAsRoot)
            {
                File.Delete(passwordFile);
            }
        }
    }

    /// <summary>A data folder from before passwords: trust authentication on some line of pg_hba.conf, loopback included.</summary>
    private bool TrustsLocalConnections() => File.ReadLines(HostBasedAuthentication).Any(line => TrustLine().IsMatch(line));

    /// <summary>
    /// Gives the superuser its password while trust still lets it in, then asks for scram-sha-256 everywhere. The silos'
    /// role, made next, takes over the tables.
    /// </summary>
    private async Task LockDownAsync()
    {
        Progress.Detail("upgrading the data folder: passwords and scram-sha-256 authentication");
        const string SetPassword = """
            \set superuser_password `printenv PGPASSWORD`
            SET password_encryption = 'scram-sha-256';
            ALTER ROLE postgres PASSWORD :'superuser_password';
            """;
        var password = await Terminal.RunAsync(SuperuserSql(), CommandTimeout, Passwords(), SetPassword);
        await File.WriteAllTextAsync(SetupLog, password.Said);
        if (!password.Succeeded)
        {
            throw new LaunchFailedException("Setting the superuser's password failed.", SetupLog);
        }

        var lines = File.ReadAllLines(HostBasedAuthentication).Select(line => TrustLine().Replace(line, "${rule} scram-sha-256"));
        await File.WriteAllLinesAsync(HostBasedAuthentication, lines);
        await QueryAsync("SELECT pg_reload_conf()", "postgres");
    }

    private string HostBasedAuthentication => Path.Combine(_data, "pg_hba.conf");

    /// <summary>psql as the superuser, over loopback with its password (from the environment, never a command line).</summary>
    private string[] SuperuserSql(params string[] arguments) =>
        [PostgresTools.PathOf("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres", .. arguments];

    private Dictionary<string, string> Passwords(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string> { ["PGPASSWORD"] = secrets.Get(Secrets.PostgresSuperuserPassword) };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static async Task RunOrFailAsync(IReadOnlyList<string> command, string failure, string? log = null)
    {
        var result = await Terminal.RunAsync(command, CommandTimeout);
        if (!result.Succeeded)
        {
            throw new LaunchFailedException(log is null ? $"{failure} {result.Said}" : failure, log);
        }
    }

    private static Task OwnAsync(string path, bool recursive) =>
        RunOrFailAsync(recursive ? ["chown", "-R", "postgres:postgres", path] : ["chown", "postgres:postgres", path], $"Giving {path} to the postgres user failed.");

    /// <summary>An uncommented pg_hba.conf rule that ends in "trust".</summary>
    [GeneratedRegex(@"^(?<rule>\s*[^#\s].*?)\s+trust\s*$")]
    private static partial Regex TrustLine();
}

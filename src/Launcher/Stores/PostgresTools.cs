namespace WhatsApp.Launcher.Stores;

/// <summary>
/// PostgreSQL's server programs (initdb, pg_ctl, psql) as this machine has them, run as the postgres user when the
/// caller is root (PostgreSQL refuses root). ./run's servers and the tests' throwaway ones both start through these.
/// </summary>
public static class PostgresTools
{
    private static readonly Lazy<string> Binaries = new(FindBinaries);

    public static bool RunsAsRoot { get; } = Environment.UserName == "root";

    /// <summary>The full path of one of the programs.</summary>
    public static string PathOf(string tool) => Path.Combine(Binaries.Value, tool);

    /// <summary>The command line that runs a program with these arguments, as postgres when the caller is root.</summary>
    public static string[] AsPostgres(string tool, params string[] arguments) => RunsAsRoot
        ? ["runuser", "-u", "postgres", "--", PathOf(tool), .. arguments]
        : [PathOf(tool), .. arguments];

    /// <summary>PG_BIN if set, else the newest Debian-layout install, else the folder of initdb on PATH.</summary>
    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
        return debian
            ?? (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').FirstOrDefault(folder => File.Exists(Path.Combine(folder, "initdb")))
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found: install postgresql or set PG_BIN.");
    }
}

using System.Diagnostics;
using System.Globalization;
using WhatsApp.Launcher.Plan;
using WhatsApp.Launcher.Supervision;

namespace WhatsApp.Launcher.Stores;

/// <summary>
/// The run's PostgreSQL servers (one, or one per shard) and Redis: started before the hosts, stopped after them (Redis
/// first: the silos' leaving needs it until they are gone). A one-database data folder that should grow into shard
/// databases is split here, before a silo looks for its rows.
/// </summary>
public sealed class LocalStores(LaunchOptions options, LocalLayout layout, Secrets secrets) : IAsyncDisposable
{
    private readonly List<LocalPostgres> _started = [];

    public IReadOnlyList<LocalPostgres> Databases { get; } =
        [.. Enumerable.Range(0, options.Databases).Select(index => new LocalPostgres(index, options.PostgresPort + index, layout, secrets))];

    public LocalRedis Redis { get; } = new(options.RedisPort, layout, secrets);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var database in Databases)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _started.Add(database);
            await database.StartAsync();
        }

        await Redis.StartAsync(cancellationToken);
        if (Databases.Count > 1)
        {
            await SplitIfOneDatabaseHeldEveryShardAsync();
        }
    }

    /// <summary>Every shard's own connection string, by shard, when each has its own database (none otherwise).</summary>
    public IEnumerable<KeyValuePair<string, string>> ShardDatabaseSettings() => Databases.Count > 1
        ? Databases.Select(database => KeyValuePair.Create($"ConnectionStrings__Postgres_{database.Index}", database.SiloConnectionString))
        : [];

    public async ValueTask DisposeAsync()
    {
        await Redis.StopAsync();
        foreach (var database in _started)
        {
            await database.StopAsync();
        }
    }

    /// <summary>
    /// Users of other shards in shard 0's database mean this folder ran with one database: their rows move to their
    /// shards' databases (with --split) before the silos look for them there, or the run stops saying how.
    /// </summary>
    private async Task SplitIfOneDatabaseHeldEveryShardAsync()
    {
        var first = Databases[0];
        // Two statements: PostgreSQL resolves every table a statement names before running it, so one statement that
        // reads chat_user only when it exists still fails on a fresh database without it.
        var misplaced = await first.QueryAsync("SELECT to_regclass('chat_user') IS NOT NULL") == "t"
            ? long.Parse(await first.QueryAsync($"SELECT count(*) FROM chat_user WHERE user_id % {options.Shards} <> 0"), CultureInfo.InvariantCulture)
            : 0;
        if (misplaced == 0)
        {
            return;
        }

        if (!options.Split)
        {
            throw new LaunchFailedException(
                $"PostgreSQL 0 holds the chats of every shard ({misplaced} users of shards 1 to {options.Shards - 1}): this data folder ran with one database.\n" +
                $"  Move them to their shards' databases with: ./run --databases {options.Databases} --split   (verified before anything is removed)");
        }

        var log = layout.Log("split");
        Progress.Step($"Moving shards 1 to {options.Shards - 1} out of PostgreSQL 0 (split-databases; log in {log})");
        if (await SplitDatabasesAsync(log) != 0)
        {
            throw new LaunchFailedException($"split-databases failed; nothing was removed from PostgreSQL 0 unless every row was verified (see {log}).");
        }
    }

    /// <summary>The silos' split-databases command with the silos' settings; its report shown indented and kept in its log.</summary>
    private async Task<int> SplitDatabasesAsync(string log)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = LocalLayout.BuildOf("Silo"),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(LocalLayout.AssemblyOf("Silo"));
        info.ArgumentList.Add("split-databases");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ConnectionStrings__Postgres"] = Databases[0].SiloConnectionString;
        info.Environment["Shard__Count"] = options.Shards.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in ShardDatabaseSettings())
        {
            info.Environment[key] = value;
        }

        await using var report = new StreamWriter(log, append: false);
        using var split = Process.Start(info) ?? throw new LaunchFailedException("split-databases did not start.");
        async Task ShowAsync(StreamReader lines)
        {
            while (await lines.ReadLineAsync() is { } line)
            {
                Progress.Detail(line);
                lock (report)
                {
                    report.WriteLine(line);
                }
            }
        }

        await Task.WhenAll(ShowAsync(split.StandardOutput), ShowAsync(split.StandardError), split.WaitForExitAsync());
        return split.ExitCode;
    }
}

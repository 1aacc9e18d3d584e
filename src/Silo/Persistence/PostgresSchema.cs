using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WhatsApp.Silo.Persistence;

/// <summary>
/// Upgrades the database this product stores in, idempotently: applies the numbered scripts in Persistence/Schema that
/// the history table does not list yet. Silos that start together take turns through an advisory lock, so exactly one
/// applies each script. The deployment creates the database, owned by the silos' own role (./run and compose do, see
/// deploy/postgres/silo-role.sql), so a silo needs no right beyond its database; only when the database is missing
/// does the silo create it, which works for a role allowed to (a superuser in tests, a hand-run silo).
/// </summary>
public sealed partial class PostgresSchema(string connectionString, ILogger<PostgresSchema> logger)
{
    private const string ResourcePrefix = "WhatsApp.Schema.";
    private const long MigrationLockId = 0x5748_4154_5341_5050; // "WHATSAPP"

    /// <summary>Brings the database up to date, waiting for the server while it is still starting.</summary>
    public Task MigrateAsync(TimeSpan waitForServer, CancellationToken cancellationToken) =>
        MigrateAsync(waitForServer, int.MaxValue, cancellationToken);

    /// <summary>Applies the scripts up to a version only: how tests make a database as an older version left it.</summary>
    internal async Task MigrateAsync(TimeSpan waitForServer, int upToVersion, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + waitForServer;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyPendingScriptsAsync(upToVersion, cancellationToken);
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                await CreateDatabaseAsync(cancellationToken); // and apply the scripts to it on the next turn, at once
            }
            catch (NpgsqlException exception) when (exception.IsTransient && DateTimeOffset.UtcNow < deadline)
            {
                LogWaitingForServer(attempt, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        try
        {
            var quoted = "\"" + target.Database!.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogDatabaseCreated(target.Database);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another silo created it a moment ago.
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                $"Database {target.Database} does not exist, and role {target.Username} may not create it. Create it owned by that role " +
                "(deploy/postgres/silo-role.sql does), or point ConnectionStrings:Postgres at an existing database.", exception);
        }
    }

    private async Task ApplyPendingScriptsAsync(int upToVersion, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockMigrationsAsync(connection, cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_history
            (
                version    integer     NOT NULL PRIMARY KEY,
                script     text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM schema_history", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        foreach (var script in Scripts().Where(script => script.Version <= upToVersion && !applied.Contains(script.Version)))
        {
            await ExecuteAsync(connection, script.Sql, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_history (version, script) VALUES ($1, $2)", connection)
            {
                Parameters = { new() { Value = script.Version }, new() { Value = script.Name } },
            };
            await record.ExecuteNonQueryAsync(cancellationToken);
            LogScriptApplied(script.Name);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Holds the migration lock until the connection's transaction ends, so silos starting together take turns.</summary>
    internal static Task LockMigrationsAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({MigrationLockId})", cancellationToken);

    /// <summary>The embedded scripts, ordered by the number their name starts with ("001_grain_state.sql").</summary>
    internal static IReadOnlyList<(int Version, string Name, string Sql)> Scripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => name[ResourcePrefix.Length..])
            .Select(name => (Version: int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture), Name: name, Sql: Read(assembly, ResourcePrefix + name)))
            .OrderBy(script => script.Version)];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "PostgreSQL is not reachable yet (attempt {Attempt}: {Reason}); retrying")]
    private partial void LogWaitingForServer(int attempt, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Created database {Database}")]
    private partial void LogDatabaseCreated(string database);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Applied schema script {Script}")]
    private partial void LogScriptApplied(string script);
}

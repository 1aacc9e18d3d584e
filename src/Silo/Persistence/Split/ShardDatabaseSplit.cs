using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Silo.Persistence.Split;

/// <summary>
/// Moves a one-database deployment to a database per shard: brings every database's schema up to date, copies each
/// row of the source to the database of its shard (binary COPY into a staging table, then an insert that skips rows
/// already there, so a second run changes nothing), verifies per table and shard that the target holds exactly the
/// source's rows, and only then removes the moved rows from the source. A shard whose database is the source keeps its
/// rows in place. Every database is locked against schema migrations meanwhile, so a silo started by mistake waits.
/// </summary>
public sealed class ShardDatabaseSplit(string source, IReadOnlyList<(string Key, string ConnectionString)> shardTargets, TextWriter progress)
{
    // Same as PostgresSchema's: a silo starting meanwhile waits at its schema migration until the split is done.
    private const long MigrationLockId = 0x5748_4154_5341_5050;

    private int ShardCount => shardTargets.Count;

    /// <summary>Every table the product stores in, with its primary key and the SQL of the shard its row belongs to.</summary>
    private IReadOnlyList<(string Table, string Key, string Shard)> Tables =>
    [
        ("grain_state", "service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension",
            $"(CASE WHEN grain_id_extension = '' THEN grain_id_n1 ELSE {ConversationShardKey("split_part(grain_id_extension, '/', 1)")} END) % {ShardCount}"),
        ("chat_message", "service_id, conversation_id, sequence", $"{ConversationShardKey("conversation_id")} % {ShardCount}"),
        ("chat_list_stale_line", "service_id, conversation_id, user_id", $"{ConversationShardKey("conversation_id")} % {ShardCount}"),
        ("conversation_mark", "service_id, conversation_id, user_id", $"{ConversationShardKey("conversation_id")} % {ShardCount}"),
        ("chat_list_entry", "service_id, user_id, conversation_id", $"user_id % {ShardCount}"),
        ("chat_user", "service_id, user_id", $"user_id % {ShardCount}"),
    ];

    /// <summary>Copies, verifies and prunes; returns the row counts by table and shard, as verified.</summary>
    public async Task<IReadOnlyList<(string Table, int Shard, long Rows)>> RunAsync(CancellationToken cancellationToken)
    {
        var sourceName = ChatDatabase.NameOf(source);
        var targets = shardTargets.Select((target, shard) => (Shard: shard, target.Key, target.ConnectionString, Name: ChatDatabase.NameOf(target.ConnectionString))).ToList();
        var moving = targets.Where(target => target.Name != sourceName).ToList();

        foreach (var database in new[] { source }.Concat(moving.Select(target => target.ConnectionString)).Distinct())
        {
            await ReachAsync(database, targets.FirstOrDefault(target => target.ConnectionString == database).Key ?? SourceKey, cancellationToken);
            await new PostgresSchema(database, NullLogger<PostgresSchema>.Instance).MigrateAsync(TimeSpan.Zero, cancellationToken);
        }

        await using var sourceConnection = await OpenLockedAsync(source, cancellationToken);
        await RefuseIfMediaStoredAsync(sourceConnection, sourceName, cancellationToken);
        var targetConnections = new Dictionary<int, NpgsqlConnection>();
        try
        {
            foreach (var target in moving)
            {
                targetConnections[target.Shard] = await OpenLockedAsync(target.ConnectionString, cancellationToken);
            }

            progress.WriteLine($"Splitting {sourceName} into {ShardCount} shard databases: " +
                string.Join(", ", targets.Select(target => $"shard {target.Shard} {(target.Name == sourceName ? "stays in" : "to")} {target.Name}")));

            // Verified as it is copied: every source row of the shard must be in its target afterwards (by primary key).
            progress.WriteLine("Copying and verifying, by table and shard (a row already in its target is not copied again)");
            var counts = new List<(string Table, int Shard, long Rows)>();
            foreach (var (table, key, shardOf) in Tables)
            {
                foreach (var target in targets)
                {
                    var condition = $"{shardOf} = {target.Shard}";
                    if (!targetConnections.TryGetValue(target.Shard, out var connection))
                    {
                        counts.Add((table, target.Shard, await CountAsync(sourceConnection, table, condition, cancellationToken)));
                        continue;
                    }

                    var copy = await CopyAsync(sourceConnection, connection, table, key, condition, cancellationToken);
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {table,-22} shard {target.Shard}: {copy.InSource,12:N0} in the source, {copy.Copied,12:N0} copied, {copy.Present,12:N0} present in {target.Name}"));
                    if (copy.Present != copy.InSource)
                    {
                        throw new InvalidOperationException(
                            $"{table} of shard {target.Shard}: the source holds {copy.InSource} rows, {target.Key} holds {copy.Present} of them. Nothing was removed from the source; run the split again.");
                    }

                    counts.Add((table, target.Shard, await CountAsync(connection, table, condition, cancellationToken)));
                }
            }

            var movedShards = moving.Select(target => target.Shard).ToList();
            if (movedShards.Count > 0)
            {
                await PruneAsync(sourceConnection, movedShards, cancellationToken);
            }

            progress.WriteLine($"Done: every row verified in its shard's database; {sourceName} keeps only the rows of the shards it still serves.");
            return counts;
        }
        finally
        {
            foreach (var connection in targetConnections.Values)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private const string SourceKey = "ConnectionStrings:Postgres";

    /// <summary>
    /// Media are content-addressed per database: one stored file may be referred to from conversations of several
    /// shards, so its rows belong to no one shard, and this split (a row to the database of its shard) cannot move
    /// them. Rather than leave messages whose bytes stayed behind, a database that holds media is not split.
    /// </summary>
    private static async Task RefuseIfMediaStoredAsync(NpgsqlConnection source, string sourceName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM media_upload)", source);
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            throw new InvalidOperationException(
                $"{sourceName} holds photos, documents or voice notes, which split-databases does not move yet: nothing was copied or removed. " +
                "Split a database before media are sent into it, or keep the one database.");
        }
    }

    /// <summary>The shard key of a conversation id ("a-b": a, the lower id; "g7": the group id) as SQL.</summary>
    private static string ConversationShardKey(string column) =>
        $"(CASE WHEN {column} LIKE 'g%' THEN substr({column}, 2)::bigint ELSE split_part({column}, '-', 1)::bigint END)";

    /// <summary>Fails naming the configuration key when a database cannot be reached, before anything is copied.</summary>
    private static async Task ReachAsync(string connectionString, string key, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // The server answers; the schema step creates the database.
        }
        catch (NpgsqlException exception)
        {
            throw new InvalidOperationException($"{key} ({ChatDatabase.NameOf(connectionString)}) cannot be reached: {exception.Message}. Nothing was copied or removed.", exception);
        }
    }

    private static async Task<NpgsqlConnection> OpenLockedAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLockId})", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// One table's rows of one shard, streamed from the source into a staging table, then kept where new; returns how
    /// many the source holds, how many were new, and how many of them the target holds now.
    /// </summary>
    private static async Task<(long InSource, long Copied, long Present)> CopyAsync(
        NpgsqlConnection from, NpgsqlConnection to, string table, string key, string condition, CancellationToken cancellationToken)
    {
        await using var transaction = await to.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(to, $"CREATE TEMP TABLE incoming (LIKE {table}) ON COMMIT DROP", cancellationToken);
        await using (var reader = await from.BeginRawBinaryCopyAsync($"COPY (SELECT * FROM {table} WHERE {condition}) TO STDOUT (FORMAT BINARY)", cancellationToken))
        await using (var writer = await to.BeginRawBinaryCopyAsync("COPY incoming FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            await reader.CopyToAsync(writer, cancellationToken);
        }

        var copied = await ExecuteAsync(to, $"INSERT INTO {table} SELECT * FROM incoming ON CONFLICT DO NOTHING", cancellationToken);
        var inSource = await CountAsync(to, "incoming", "true", cancellationToken);
        var present = await CountAsync(to, $"incoming JOIN {table} USING ({key})", "true", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (inSource, copied, present);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string table, string condition, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {condition}", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task PruneAsync(NpgsqlConnection sourceConnection, IReadOnlyList<int> movedShards, CancellationToken cancellationToken)
    {
        await using var transaction = await sourceConnection.BeginTransactionAsync(cancellationToken);
        foreach (var (table, _, shardOf) in Tables)
        {
            var removed = await ExecuteAsync(sourceConnection, $"DELETE FROM {table} WHERE {shardOf} IN ({string.Join(", ", movedShards)})", cancellationToken);
            progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  removed {removed,12:N0} moved rows of {table} from the source"));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using Npgsql;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Storage;

/// <summary>The directory table: one row per registered user, in the user's shard database, searched by whole number, or by prefix among given people.</summary>
public sealed class UserDirectoryStore(ShardDatabases databases)
{
    /// <summary>Lists a user (again: registration retries until it has been listed, so this is idempotent).</summary>
    public async Task AddAsync(DirectoryEntry entry)
    {
        var database = databases.ForUser(entry.UserId);
        await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand("""
                INSERT INTO chat_user (service_id, user_id, display_name) VALUES ($1, $2, $3)
                ON CONFLICT (service_id, user_id) DO UPDATE SET display_name = excluded.display_name
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = entry.UserId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = entry.DisplayName });
            await command.ExecuteNonQueryAsync();
        });
    }

    /// <summary>
    /// One shard's user whose whole number the query is, and those of <paramref name="among"/> whose number or name
    /// starts with it (case-insensitive), by id, at most limit. A stranger is found by their number only: a prefix
    /// would page through everyone.
    /// </summary>
    public async Task<IReadOnlyList<DirectoryEntry>> SearchAsync(int shard, string query, IReadOnlyList<long> among, int limit)
    {
        var database = databases.ForShard(shard);
        var trimmed = query.Trim();
        var wholeNumber = UserLimits.WholeNumberSearched(trimmed) ?? 0;
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand("""
                SELECT user_id, display_name FROM chat_user
                WHERE service_id = $1 AND user_id % $2 = $3
                  AND (user_id = $4
                       OR (user_id = ANY($5) AND (user_id::text LIKE $6 OR lower(display_name) LIKE lower($6))))
                ORDER BY user_id
                LIMIT $7
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = databases.ShardCount });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = shard });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = wholeNumber });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. among] });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EscapeLike(trimmed) + "%" });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var entries = new List<DirectoryEntry>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                entries.Add(new DirectoryEntry(reader.GetInt64(0), reader.GetString(1)));
            }

            return entries;
        });
    }

    /// <summary>
    /// Which of these users the directory lists: one query per database, whatever the count. The users of a database
    /// that did not answer (it is down) are named apart: whether they are listed is not known.
    /// </summary>
    public async Task<DirectoryAnswer> ListedAmongAsync(IReadOnlyCollection<long> userIds)
    {
        var perDatabase = await Task.WhenAll(userIds.GroupBy(databases.ForUser).Select(async users =>
        {
            try
            {
                return (Listed: await ListedInAsync(users.Key, [.. users]), Unanswered: Array.Empty<long>());
            }
            catch (NpgsqlException exception) when (exception.IsTransient)
            {
                return (Listed: [], Unanswered: users.ToArray());
            }
        }));
        return new DirectoryAnswer([.. perDatabase.SelectMany(answer => answer.Listed)], [.. perDatabase.SelectMany(answer => answer.Unanswered)]);
    }

    private static Task<List<long>> ListedInAsync(ChatDatabase database, long[] userIds) => database.RunAsync(async source =>
    {
        await using var command = source.CreateCommand("SELECT user_id FROM chat_user WHERE service_id = $1 AND user_id = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = userIds });
        var listed = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            listed.Add(reader.GetInt64(0));
        }

        return listed;
    });

    private static string EscapeLike(string text) => text
        .Replace(@"\", @"\\", StringComparison.Ordinal)
        .Replace("%", @"\%", StringComparison.Ordinal)
        .Replace("_", @"\_", StringComparison.Ordinal);
}

/// <summary>What the directory said of some users: those it lists, and those whose database did not answer.</summary>
public sealed record DirectoryAnswer(IReadOnlyList<long> Listed, IReadOnlyList<long> Unanswered);

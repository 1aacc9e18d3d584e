using System.Diagnostics;
using Npgsql;

namespace WhatsApp.Benchmarks.Load;

/// <summary>
/// What the same PostgreSQL sustains for plain single-row INSERTs of a message-sized row, each its own durable commit,
/// from a fixed number of connections: the ceiling every send rate is compared with, measured in the same run.
/// </summary>
public static class InsertCeiling
{
    public static async Task<double> InsertsPerSecondAsync(string connectionString, int connections, TimeSpan duration)
    {
        // Connections of its own, opened for each measurement: a scenario may have restarted the server since the last.
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var create = new NpgsqlCommand("""
                CREATE TABLE IF NOT EXISTS ceiling_message (
                    id bigserial PRIMARY KEY,
                    conversation_id text NOT NULL,
                    from_user_id bigint NOT NULL,
                    client_message_id text NOT NULL,
                    content text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now())
                """, setup);
            await create.ExecuteNonQueryAsync();
        }

        var inserted = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async writer =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO ceiling_message (conversation_id, from_user_id, client_message_id, content) VALUES ($1, $2, $3, $4)", connection);
            insert.Parameters.Add(new NpgsqlParameter<string>());
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = writer });
            insert.Parameters.Add(new NpgsqlParameter<string>());
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = MessageContent.Of(writer) });
            await insert.PrepareAsync();
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                ((NpgsqlParameter<string>)insert.Parameters[0]).TypedValue = $"{writer}-{writer + 1}";
                ((NpgsqlParameter<string>)insert.Parameters[2]).TypedValue = Guid.NewGuid().ToString("N");
                await insert.ExecuteNonQueryAsync();
                Interlocked.Increment(ref inserted);
            }
        }));
        return inserted / clock.Elapsed.TotalSeconds;
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace WhatsApp.Benchmarks.Load;

/// <summary>
/// What the same PostgreSQL stores of the same files without the product: each file written by a plain binary COPY,
/// in rows of the product's chunk size into a table stored the same way (uncompressed, out of line), one durable commit
/// per file, as many files in flight as the uploads have. The media scenario's uploads are compared with it in the
/// same run.
/// </summary>
public static class CopyCeiling
{
    private const int ChunkBytes = 256 * 1024;

    public static async Task<double> MegabytesPerSecondAsync(string connectionString, int fileBytes, int inFlight, TimeSpan duration)
    {
        connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var create = new NpgsqlCommand("""
                CREATE TABLE IF NOT EXISTS copy_ceiling_chunk (file_id uuid NOT NULL, chunk_index integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (file_id, chunk_index));
                ALTER TABLE copy_ceiling_chunk ALTER COLUMN data SET STORAGE EXTERNAL;
                TRUNCATE copy_ceiling_chunk;
                """, setup);
            await create.ExecuteNonQueryAsync();
        }

        var stored = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            var file = RandomNumberGenerator.GetBytes(fileBytes);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            while (clock.Elapsed < duration)
            {
                var fileId = Guid.NewGuid();
                await using (var copy = await connection.BeginBinaryImportAsync("COPY copy_ceiling_chunk (file_id, chunk_index, data) FROM STDIN (FORMAT BINARY)"))
                {
                    for (var offset = 0; offset < fileBytes; offset += ChunkBytes)
                    {
                        await copy.StartRowAsync();
                        await copy.WriteAsync(fileId, NpgsqlDbType.Uuid);
                        await copy.WriteAsync(offset / ChunkBytes, NpgsqlDbType.Integer);
                        await copy.WriteAsync(new ArraySegment<byte>(file, offset, Math.Min(ChunkBytes, fileBytes - offset)), NpgsqlDbType.Bytea);
                    }

                    await copy.CompleteAsync();
                }

                Interlocked.Add(ref stored, fileBytes);
            }
        }));
        var megabytesPerSecond = stored / MediaUploads.Megabyte / clock.Elapsed.TotalSeconds;
        await using (var cleanup = new NpgsqlConnection(connectionString))
        {
            await cleanup.OpenAsync();
            await using var truncate = new NpgsqlCommand("TRUNCATE copy_ceiling_chunk", cleanup);
            await truncate.ExecuteNonQueryAsync();
        }

        return megabytesPerSecond;
    }
}

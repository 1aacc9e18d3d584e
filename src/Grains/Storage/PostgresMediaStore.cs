using Npgsql;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Media;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// Media in the shard databases (schema: src/Silo/Persistence/Schema/007): chunk rows under the id of the upload that
/// first brought the bytes, a row per distinct hash, a row per upload. Completing an upload and removing a medium take
/// the same advisory lock on the hash, so a removal never drops bytes an upload has just been deduplicated onto.
/// </summary>
public sealed class PostgresMediaStore(ShardDatabases databases) : IMediaStore
{
    private const string UploadColumns = "upload_id, owner_user_id, kind, content_type, file_name, length, received, sha256";

    public Task<UploadRecord?> FindUploadAsync(ConversationId conversation, Guid uploadId)
    {
        var database = databases.ForConversation(conversation);
        return database.RunAsync(async source =>
        {
            await using var command = Command(source, database, $"SELECT {UploadColumns} FROM media_upload WHERE service_id = $1 AND upload_id = $2 AND conversation_id = $3", uploadId, conversation.ToString());
            return await ReadUploadAsync(command);
        });
    }

    /// <summary>Committed without waiting for the disk, like the chunks: an upload lost in a crash is answered 404, and the client starts it again.</summary>
    public Task<UploadRecord> CreateUploadAsync(ConversationId conversation, UploadRecord upload)
    {
        var database = databases.ForConversation(conversation);
        return database.RunUnflushedAsync(async source =>
        {
            await using var command = Command(source, database, $"""
                INSERT INTO media_upload (service_id, upload_id, conversation_id, owner_user_id, kind, content_type, file_name, length)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (service_id, upload_id) DO NOTHING
                RETURNING {UploadColumns}
                """, upload.UploadId, conversation.ToString(), upload.OwnerId, (short)upload.Kind, upload.ContentType, upload.FileName, upload.Length);
            return await ReadUploadAsync(command)
                ?? await FindUploadAsync(conversation, upload.UploadId)
                ?? throw new InvalidOperationException($"Upload {upload.UploadId} belongs to another conversation.");
        });
    }

    /// <summary>
    /// The chunk is committed without waiting for the WAL flush: an upload is durable when it completes, and the
    /// completion's own (synchronous) commit flushes every chunk written before it. A crash in between loses at most the
    /// last chunks, with the upload's count of received bytes, so the client resumes from what is really stored. Without
    /// this, every chunk would wait for a disk flush of its own, and so would every text sent meanwhile.
    /// </summary>
    public Task<bool> AppendChunkAsync(ConversationId conversation, Guid uploadId, long offset, ReadOnlyMemory<byte> chunk)
    {
        var database = databases.ForConversation(conversation);
        return database.RunUnflushedAsync(async source =>
        {
            // One statement: the chunk goes in only with the upload's advance.
            await using var command = Command(source, database, """
                WITH advanced AS (
                    UPDATE media_upload SET received = $3 + length($5::bytea)
                    WHERE service_id = $1 AND upload_id = $2 AND received = $3
                    RETURNING upload_id)
                INSERT INTO media_chunk (service_id, blob_id, chunk_index, data)
                SELECT $1, upload_id, $4, $5 FROM advanced
                ON CONFLICT (service_id, blob_id, chunk_index) DO UPDATE SET data = excluded.data
                """, uploadId, offset, ChunkIndexOf(offset), chunk);
            return await command.ExecuteNonQueryAsync() == 1;
        });
    }

    public Task<byte[]> ReadUploadChunkAsync(ConversationId conversation, Guid uploadId, int chunkIndex)
    {
        var database = databases.ForConversation(conversation);
        return database.RunAsync(async source =>
        {
            await using var command = Command(source, database, "SELECT data FROM media_chunk WHERE service_id = $1 AND blob_id = $2 AND chunk_index = $3", uploadId, chunkIndex);
            return (byte[])(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"Chunk {chunkIndex} of upload {uploadId} is not stored."));
        });
    }

    public Task CompleteUploadAsync(ConversationId conversation, Guid uploadId, string sha256, long length)
    {
        var database = databases.ForConversation(conversation);
        return database.RunAsync(source => UnderHashLockAsync(source, database, sha256, """
            WITH stored AS (
                INSERT INTO media (service_id, sha256, blob_id, length) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING blob_id),
            upload AS (
                UPDATE media_upload SET sha256 = $2 WHERE service_id = $1 AND upload_id = $3),
            duplicate AS (
                DELETE FROM media_chunk WHERE service_id = $1 AND blob_id = $3 AND NOT EXISTS (SELECT 1 FROM stored))
            SELECT count(*) FROM stored
            """, uploadId, length));
    }

    public Task MarkClaimedAsync(ConversationId conversation, Guid uploadId)
    {
        var database = databases.ForConversation(conversation);
        return database.RunAsync(async source =>
        {
            await using var command = Command(source, database, "UPDATE media_upload SET claimed = true WHERE service_id = $1 AND upload_id = $2 AND NOT claimed", uploadId);
            await command.ExecuteNonQueryAsync();
        });
    }

    public Task<byte[]?> ReadAsync(int shard, string sha256, long offset, int count)
    {
        var database = databases.ForShard(shard);
        return database.RunAsync(async source =>
        {
            // substring of an uncompressed out-of-line value reads only the pages it needs.
            await using var command = Command(source, database, """
                SELECT substring(chunk.data FROM $4 FOR $5)
                FROM media JOIN media_chunk AS chunk ON chunk.service_id = media.service_id AND chunk.blob_id = media.blob_id AND chunk.chunk_index = $3
                WHERE media.service_id = $1 AND media.sha256 = $2
                """, sha256, ChunkIndexOf(offset), (int)(offset % MediaLimits.ChunkBytes) + 1, count);
            return await command.ExecuteScalarAsync() as byte[];
        });
    }

    public Task<bool> ReleaseAsync(ConversationId conversation, string sha256)
    {
        var database = databases.ForConversation(conversation);
        return database.RunAsync(async source => await UnderHashLockAsync(source, database, sha256, """
                WITH removed AS (
                    DELETE FROM media
                    WHERE service_id = $1 AND sha256 = $2
                      AND NOT EXISTS (SELECT 1 FROM chat_message WHERE service_id = $1 AND media IS NOT NULL AND media ->> 'sha256' = $2)
                      AND NOT EXISTS (SELECT 1 FROM media_upload WHERE service_id = $1 AND sha256 = $2 AND NOT claimed)
                    RETURNING blob_id),
                chunks AS (
                    DELETE FROM media_chunk AS chunk USING removed WHERE chunk.service_id = $1 AND chunk.blob_id = removed.blob_id)
                SELECT count(*) FROM removed
                """) > 0);
    }

    public async Task<int> ForgetAbandonedUploadsAsync(int shard, DateTimeOffset startedBefore)
    {
        var database = databases.ForShard(shard);
        var unfinished = await database.RunAsync(async source =>
        {
            await using var command = Command(source, database, """
                WITH forgotten AS (
                    DELETE FROM media_upload WHERE service_id = $1 AND sha256 IS NULL AND created_at < $2 RETURNING upload_id),
                chunks AS (
                    DELETE FROM media_chunk AS chunk USING forgotten WHERE chunk.service_id = $1 AND chunk.blob_id = forgotten.upload_id)
                SELECT count(*) FROM forgotten
                """, startedBefore);
            return (long)(await command.ExecuteScalarAsync())!;
        });
        var unsent = await database.RunAsync(async source =>
        {
            // Claimed first, so the release below no longer counts the upload as a reference to its medium.
            await using var command = Command(source, database, """
                UPDATE media_upload SET claimed = true
                WHERE service_id = $1 AND sha256 IS NOT NULL AND NOT claimed AND created_at < $2
                RETURNING conversation_id, sha256
                """, startedBefore);
            var forgotten = new List<(string Conversation, string Sha256)>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                forgotten.Add((reader.GetString(0), reader.GetString(1)));
            }

            return forgotten;
        });
        foreach (var (conversation, sha256) in unsent)
        {
            if (ConversationId.TryParse(conversation, out var id))
            {
                await ReleaseAsync(id, sha256);
            }
        }

        return (int)unfinished + unsent.Count;
    }

    private static int ChunkIndexOf(long offset) => (int)(offset / MediaLimits.ChunkBytes);

    /// <summary>
    /// Runs one statement about a hash ($2; the values follow as $3, ...) holding the hash's advisory lock: one batch,
    /// so one round trip and one implicit transaction, which the lock lasts for. Answers the statement's count.
    /// </summary>
    private static async Task<long> UnderHashLockAsync(NpgsqlDataSource source, ChatDatabase database, string sha256, string sql, params object[] values)
    {
        await using var batch = source.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))") { Parameters = { new() { Value = sha256 } } });
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var value in values.Prepend(sha256).Prepend(database.ServiceId))
        {
            statement.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(statement);
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    private static async Task<UploadRecord?> ReadUploadAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new UploadRecord(reader.GetGuid(0), reader.GetInt64(1), (MessageKind)reader.GetInt16(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.IsDBNull(7) ? null : reader.GetString(7))
            : null;
    }

    /// <summary>A statement on one database's media: its first parameter is the service id, the values follow as $2, $3, ...</summary>
    private static NpgsqlCommand Command(NpgsqlDataSource source, ChatDatabase database, string sql, params object[] values) =>
        WithParameters(source.CreateCommand(sql), database, values);

    private static NpgsqlCommand WithParameters(NpgsqlCommand command, ChatDatabase database, object[] values)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = database.ServiceId });
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}

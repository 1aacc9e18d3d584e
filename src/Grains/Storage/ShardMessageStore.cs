using Microsoft.Extensions.Logging;
using Npgsql;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Operations;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// The message rows of one database: every statement the chat runs against its <c>chat_message</c> and
/// <c>chat_list_entry</c> tables (schema: src/Silo/Persistence/Schema/002 and 003), and the group-commit writer that
/// batches its writes. It knows nothing of shards: <see cref="MessageLog"/> decides which database a row belongs in.
/// </summary>
public sealed class ShardMessageStore : IAsyncDisposable
{
    private const string MessageColumns = "sequence, from_user_id, content, client_message_id, created_at, kind, reply_to, edited_at, reactions::text, media::text";

    /// <summary>The kinds a participant's action may change (see <see cref="MessageKinds.IsAuthored"/>), as SQL.</summary>
    private static readonly string AuthoredKinds = string.Join(", ", Enum.GetValues<MessageKind>().Where(kind => kind.IsAuthored()).Select(kind => (int)kind));

    private readonly ChatDatabase _database;
    private readonly GroupCommitWriter _writer;

    public ShardMessageStore(ChatDatabase database, GroupCommitOptions options, ChatMetrics metrics, ILogger logger)
    {
        _database = database;
        _writer = new GroupCommitWriter(database, options, metrics, logger);
    }

    public ChatDatabase Database => _database;

    /// <summary>Queues the rows for the database's next group commit; completes when they are durable, or conflicted.</summary>
    public Task<WriteOutcome> AppendAsync(ConversationWrite write) => _writer.AppendAsync(write);

    /// <summary>The conversation's last stored sequence (0 when empty): one backward index probe, whatever its length.</summary>
    public Task<long> LastSequenceAsync(ConversationId conversation) => LastSequenceAsync(conversation, fromUserId: null);

    /// <summary>The last sequence this user sent in the conversation (0 if none): for rewriting a stale line only.</summary>
    public Task<long> LastSequenceFromAsync(ConversationId conversation, long userId) => LastSequenceAsync(conversation, userId);

    /// <summary>The stored messages with sequences in [from, to], ascending.</summary>
    public Task<IReadOnlyList<MessageRow>> ReadAsync(ConversationId conversation, long fromSequence, long toSequence) =>
        _database.RunAsync(async source =>
        {
            await using var command = ConversationCommand(source, $"""
                SELECT {MessageColumns} FROM chat_message
                WHERE service_id = $1 AND conversation_id = $2 AND sequence BETWEEN $3 AND $4
                ORDER BY sequence
                """, conversation);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromSequence });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequence });
            return await ReadMessagesAsync(command);
        });

    /// <summary>The stored messages with these sequences (the quotes of a page's replies), ascending.</summary>
    public Task<IReadOnlyList<MessageRow>> ReadSequencesAsync(ConversationId conversation, IReadOnlyList<long> sequences) =>
        _database.RunAsync(async source =>
        {
            await using var command = ConversationCommand(source, $"""
                SELECT {MessageColumns} FROM chat_message
                WHERE service_id = $1 AND conversation_id = $2 AND sequence = ANY($3)
                ORDER BY sequence
                """, conversation);
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. sequences] });
            return await ReadMessagesAsync(command);
        });

    /// <summary>A group conversation's changes (who joined and left when), ascending: its change rows only, by their own index.</summary>
    public Task<IReadOnlyList<MessageRow>> ReadGroupChangesAsync(ConversationId conversation) =>
        _database.RunAsync(async source =>
        {
            await using var command = ConversationCommand(source, $"""
                SELECT {MessageColumns} FROM chat_message
                WHERE service_id = $1 AND conversation_id = $2 AND kind = 1
                ORDER BY sequence
                """, conversation);
            return await ReadMessagesAsync(command);
        });

    /// <summary>The stored messages that these senders sent with these clientMessageIds.</summary>
    public Task<IReadOnlyList<MessageRow>> FindByClientMessageIdsAsync(ConversationId conversation, IReadOnlyList<(long FromUserId, string ClientMessageId)> keys) =>
        _database.RunAsync(async source =>
        {
            await using var command = ConversationCommand(source, $"""
                SELECT {MessageColumns} FROM chat_message
                WHERE service_id = $1 AND conversation_id = $2
                  AND (from_user_id, client_message_id) IN (SELECT * FROM unnest($3::bigint[], $4::text[]))
                ORDER BY sequence
                """, conversation);
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. keys.Select(key => key.FromUserId)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(key => key.ClientMessageId)] });
            return await ReadMessagesAsync(command);
        });

    /// <summary>
    /// Changes a stored message in place (an edit, a delete, a reaction) with one statement, and returns the row as it
    /// stands after it; null when the row is not a text or a medium (any more).
    /// </summary>
    public Task<MessageRow?> ChangeAsync(ConversationId conversation, long sequence, MessageChange change) =>
        _database.RunAsync(async source =>
        {
            await using var command = ConversationCommand(source, $"""
                UPDATE chat_message SET {change.Assignments}
                WHERE service_id = $1 AND conversation_id = $2 AND sequence = $3 AND kind IN ({AuthoredKinds})
                RETURNING {MessageColumns}
                """, conversation);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
            foreach (var value in change.Values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            return (await ReadMessagesAsync(command)).SingleOrDefault();
        });

    /// <summary>Every participant's marks in the conversation, as its own rows keep them.</summary>
    public Task<IReadOnlyList<MarkUpdate>> ReadMarksAsync(ConversationId conversation) =>
        _database.RunAsync(async source =>
        {
            await using var command = ConversationCommand(source,
                "SELECT user_id, delivered_up_to, read_up_to FROM conversation_mark WHERE service_id = $1 AND conversation_id = $2", conversation);
            var marks = new List<MarkUpdate>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                marks.Add(new MarkUpdate(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
            }

            return (IReadOnlyList<MarkUpdate>)marks;
        });

    /// <summary>Rewrites the preview of these users' chat-list lines (all kept in this database) whose newest message is this one.</summary>
    public Task RewritePreviewsAsync(ConversationId conversation, MessageRow message, IEnumerable<long> lineOwners) =>
        _database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand("""
                UPDATE chat_list_entry SET last_preview = $5, last_kind = $6
                WHERE service_id = $1 AND user_id = ANY($2) AND conversation_id = $3 AND last_sequence = $4
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. lineOwners] });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = message.Sequence });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = MessageRowsSql.Preview(message) });
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)message.Kind });
            await command.ExecuteNonQueryAsync();
        });

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private Task<long> LastSequenceAsync(ConversationId conversation, long? fromUserId) =>
        _database.RunAsync(async source =>
        {
            // Two statements, not one with an optional filter: the activation's probe keeps its plain backward index probe.
            await using var command = ConversationCommand(source, fromUserId is null
                ? "SELECT coalesce(max(sequence), 0) FROM chat_message WHERE service_id = $1 AND conversation_id = $2"
                : "SELECT coalesce(max(sequence), 0) FROM chat_message WHERE service_id = $1 AND conversation_id = $2 AND from_user_id = $3", conversation);
            if (fromUserId is { } user)
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = user });
            }

            return (long)(await command.ExecuteScalarAsync())!;
        });

    /// <summary>A statement about one conversation's rows: its first two parameters are this service and the conversation.</summary>
    private NpgsqlCommand ConversationCommand(NpgsqlDataSource source, string sql, ConversationId conversation)
    {
        var command = source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
        return command;
    }

    private static async Task<IReadOnlyList<MessageRow>> ReadMessagesAsync(NpgsqlCommand command)
    {
        var rows = new List<MessageRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new MessageRow(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                (MessageKind)reader.GetInt16(5))
            {
                ReplyTo = reader.IsDBNull(6) ? null : reader.GetInt64(6),
                EditedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                Reactions = reader.IsDBNull(8) ? [] : StoredReactions.Read(reader.GetString(8)),
                Media = reader.IsDBNull(9) ? null : StoredMedia.Read(reader.GetString(9)),
            });
        }

        return rows;
    }
}

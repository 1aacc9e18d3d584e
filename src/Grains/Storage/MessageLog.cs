using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Diagnostics;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// The silo's message store, over every shard database: a conversation's messages live in its shard's database, each
/// user's chat-list line and marks in the user's. A write goes through the group-commit writer of each database it
/// touches; its task completes once the conversation's own part has committed and every other part has either committed
/// or been noted as stale in the conversation's database (so a participant's database being down never fails or slows
/// the conversation's sends: their line is rewritten when it is back).
/// </summary>
public sealed partial class MessageLog : IAsyncDisposable
{
    private const string MessageColumns = "sequence, from_user_id, content, client_message_id, created_at, kind, reply_to, edited_at, reactions::text";

    private readonly ShardDatabases _databases;
    private readonly GroupCommitWriter[] _writers;
    private readonly ILogger<MessageLog> _logger;

    public MessageLog(ShardDatabases databases, IOptions<GroupCommitOptions> options, ChatMetrics metrics, ILogger<MessageLog> logger)
    {
        _databases = databases;
        _logger = logger;
        _writers = [.. databases.Distinct.Select(database => new GroupCommitWriter(database, options.Value, metrics, logger))];
    }

    /// <summary>
    /// Writes the conversation's rows to its database, then the lines and marks of participants whose database is
    /// another. Conflict (nothing stored) comes only from the conversation's own part.
    /// </summary>
    public async Task<WriteOutcome> AppendAsync(ConversationWrite write)
    {
        var home = _databases.ForConversation(write.Conversation);
        var (own, elsewhere) = Split(write, home);
        if (own.RowCount > 0 && await WriterOf(home).AppendAsync(own) == WriteOutcome.Conflict)
        {
            return WriteOutcome.Conflict;
        }

        if (elsewhere.Count == 0)
        {
            return WriteOutcome.Committed;
        }

        var missed = (await Task.WhenAll(elsewhere.Select(TryAppendElsewhereAsync))).SelectMany(users => users).ToList();
        if (missed.Count > 0)
        {
            await WriterOf(home).AppendAsync(new ConversationWrite(write.Conversation, [], [], []) { StaleLineOwners = missed });
        }

        return WriteOutcome.Committed;
    }

    /// <summary>Writes a user's whole chat-list line and marks to the user's database, failing when it cannot.</summary>
    public async Task RewriteChatListLineAsync(ConversationId conversation, ChatListUpdate line, MarkUpdate marks) =>
        await WriterOf(_databases.ForUser(line.UserId)).AppendAsync(new ConversationWrite(conversation, [], [line], [marks]));

    /// <summary>The conversation's last stored sequence (0 when empty): one backward index probe, whatever its length.</summary>
    public Task<long> LastSequenceAsync(ConversationId conversation) => LastSequenceAsync(conversation, fromUserId: null);

    /// <summary>The last sequence this user sent in the conversation (0 if none): for rewriting a stale line only.</summary>
    public Task<long> LastSequenceFromAsync(ConversationId conversation, long userId) => LastSequenceAsync(conversation, userId);

    /// <summary>The stored messages with sequences in [from, to], ascending.</summary>
    public async Task<IReadOnlyList<MessageRow>> ReadAsync(ConversationId conversation, long fromSequence, long toSequence)
    {
        var database = _databases.ForConversation(conversation);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand($"""
                SELECT {MessageColumns} FROM chat_message
                WHERE service_id = $1 AND conversation_id = $2 AND sequence BETWEEN $3 AND $4
                ORDER BY sequence
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromSequence });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequence });
            return await ReadMessagesAsync(command);
        });
    }

    /// <summary>The stored messages with these sequences (the quotes of a page's replies), ascending.</summary>
    public async Task<IReadOnlyList<MessageRow>> ReadSequencesAsync(ConversationId conversation, IReadOnlyList<long> sequences)
    {
        var database = _databases.ForConversation(conversation);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand($"""
                SELECT {MessageColumns} FROM chat_message
                WHERE service_id = $1 AND conversation_id = $2 AND sequence = ANY($3)
                ORDER BY sequence
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. sequences] });
            return await ReadMessagesAsync(command);
        });
    }

    /// <summary>
    /// Changes a stored text in place (an edit, a delete, a reaction) with one statement, and returns the row as it
    /// stands after it; null when the row is not a text (any more).
    /// </summary>
    public async Task<MessageRow?> ChangeAsync(ConversationId conversation, long sequence, MessageChange change)
    {
        var database = _databases.ForConversation(conversation);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand($"""
                UPDATE chat_message SET {change.Assignments}
                WHERE service_id = $1 AND conversation_id = $2 AND sequence = $3 AND kind = 0
                RETURNING {MessageColumns}
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
            foreach (var value in change.Values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            return (await ReadMessagesAsync(command)).SingleOrDefault();
        });
    }

    /// <summary>
    /// Rewrites the preview of the chat-list lines whose newest message is this one, in each owner's database: after an
    /// edit, and after a delete, which must leave no copy of the content behind. Fails when a database cannot take it.
    /// </summary>
    public async Task RewritePreviewsAsync(ConversationId conversation, MessageRow message, IEnumerable<long> lineOwners)
    {
        await Task.WhenAll(lineOwners.GroupBy(_databases.ForUser).Select(async owners =>
        {
            var database = owners.Key;
            await database.RunAsync(async source =>
            {
                await using var command = source.CreateCommand("""
                    UPDATE chat_list_entry SET last_preview = $5, last_kind = $6
                    WHERE service_id = $1 AND user_id = ANY($2) AND conversation_id = $3 AND last_sequence = $4
                    """);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
                command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. owners] });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = message.Sequence });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = MessageRowsSql.Preview(message) });
                command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)message.Kind });
                await command.ExecuteNonQueryAsync();
            });
        }));
    }

    /// <summary>A group conversation's changes (who joined and left when), ascending: its change rows only, by their own index.</summary>
    public async Task<IReadOnlyList<MessageRow>> ReadGroupChangesAsync(ConversationId conversation)
    {
        var database = _databases.ForConversation(conversation);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand($"""
                SELECT {MessageColumns} FROM chat_message
                WHERE service_id = $1 AND conversation_id = $2 AND kind = 1
                ORDER BY sequence
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
            return await ReadMessagesAsync(command);
        });
    }

    /// <summary>The stored messages that these senders sent with these clientMessageIds.</summary>
    public async Task<IReadOnlyList<MessageRow>> FindByClientMessageIdsAsync(ConversationId conversation, IReadOnlyList<(long FromUserId, string ClientMessageId)> keys)
    {
        var database = _databases.ForConversation(conversation);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand($"""
                SELECT {MessageColumns} FROM chat_message
                WHERE service_id = $1 AND conversation_id = $2
                  AND (from_user_id, client_message_id) IN (SELECT * FROM unnest($3::bigint[], $4::text[]))
                ORDER BY sequence
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. keys.Select(key => key.FromUserId)] });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(key => key.ClientMessageId)] });
            return await ReadMessagesAsync(command);
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers)
        {
            await writer.DisposeAsync();
        }
    }

    private GroupCommitWriter WriterOf(ChatDatabase database) => _writers[database.Index];

    /// <summary>The rows for the conversation's database, and one write per other database its participants' rows go to.</summary>
    private (ConversationWrite Own, IReadOnlyList<(ChatDatabase Database, ConversationWrite Write)> Elsewhere) Split(ConversationWrite write, ChatDatabase home)
    {
        if (write.ChatListUpdates.All(line => _databases.ForUser(line.UserId) == home) && write.Marks.All(mark => _databases.ForUser(mark.UserId) == home))
        {
            return (write, []);
        }

        var own = write with
        {
            ChatListUpdates = [.. write.ChatListUpdates.Where(line => _databases.ForUser(line.UserId) == home)],
            Marks = [.. write.Marks.Where(mark => _databases.ForUser(mark.UserId) == home)],
        };
        var elsewhere = write.ChatListUpdates.Select(line => _databases.ForUser(line.UserId))
            .Concat(write.Marks.Select(mark => _databases.ForUser(mark.UserId)))
            .Where(database => database != home)
            .Distinct()
            .Select(database => (database, new ConversationWrite(
                write.Conversation,
                [],
                [.. write.ChatListUpdates.Where(line => _databases.ForUser(line.UserId) == database)],
                [.. write.Marks.Where(mark => _databases.ForUser(mark.UserId) == database)])))
            .ToList();
        return (own, elsewhere);
    }

    /// <summary>The users whose rows this database did not take (none when it committed).</summary>
    private async Task<IEnumerable<long>> TryAppendElsewhereAsync((ChatDatabase Database, ConversationWrite Write) part)
    {
        try
        {
            await WriterOf(part.Database).AppendAsync(part.Write);
            return [];
        }
        catch (Exception exception)
        {
            var users = part.Write.ChatListUpdates.Select(line => line.UserId).Concat(part.Write.Marks.Select(mark => mark.UserId)).Distinct().ToList();
            LogLinesDeferred(exception, part.Write.Key, part.Database.Name, string.Join(", ", users));
            return users;
        }
    }

    private async Task<long> LastSequenceAsync(ConversationId conversation, long? fromUserId)
    {
        // Two statements, not one with an optional filter: the activation's probe keeps its plain backward index probe.
        var database = _databases.ForConversation(conversation);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand(fromUserId is null
                ? "SELECT coalesce(max(sequence), 0) FROM chat_message WHERE service_id = $1 AND conversation_id = $2"
                : "SELECT coalesce(max(sequence), 0) FROM chat_message WHERE service_id = $1 AND conversation_id = $2 AND from_user_id = $3");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.ToString() });
            if (fromUserId is { } user)
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = user });
            }

            return (long)(await command.ExecuteScalarAsync())!;
        });
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
            });
        }

        return rows;
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "The chat-list lines of conversation {Conversation} for users {Users} could not be written to {Database}; noted as stale, to be rewritten when it is back")]
    private partial void LogLinesDeferred(Exception exception, string conversation, string database, string users);
}

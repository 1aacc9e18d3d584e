using Npgsql;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Storage;

/// <summary>One line of a user's chat list as stored: the conversation's newest message and the user's marks.</summary>
public sealed record ChatListLine(string ConversationId, MessageRow LastMessage, long LastOwnSequence, long ReadUpTo, long DeliveredUpTo)
{
    /// <summary>A chat-list line shows this much of its last message; the message row keeps all of it.</summary>
    public const int PreviewLength = 100;

    /// <summary>Messages after both the user's read mark and their own last message (writing in a chat means having read it).</summary>
    public long UnreadCount => Math.Max(0, LastMessage.Sequence - Math.Max(ReadUpTo, LastOwnSequence));
}

/// <summary>
/// Reads users' chat lists (the rows <see cref="MessageLog"/> writes with every send), a page at a time, each from
/// the user's shard database.
/// </summary>
public sealed class ChatListStore(ShardDatabases databases)
{
    /// <summary>Up to limit lines older than the cursor (or the newest), newest first, and whether more follow.</summary>
    public async Task<(IReadOnlyList<ChatListLine> Lines, bool HasMore)> ReadPageAsync(long userId, ChatListCursor? before, int limit)
    {
        var database = databases.ForUser(userId);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand("""
                SELECT conversation_id, last_sequence, last_from_user_id, last_preview, last_created_at,
                       last_own_sequence, read_up_to, delivered_up_to, last_kind
                FROM chat_list_entry
                WHERE service_id = $1 AND user_id = $2
                  AND ($3::timestamptz IS NULL OR (last_created_at, conversation_id) < ($3, $4))
                ORDER BY last_created_at DESC, conversation_id DESC
                LIMIT $5
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
            command.Parameters.Add(new NpgsqlParameter { Value = before is null ? DBNull.Value : before.LastCreatedAt, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = before?.ConversationId ?? string.Empty });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });

            var lines = new List<ChatListLine>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var lastMessage = new MessageRow(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), null, reader.GetFieldValue<DateTimeOffset>(4), (MessageKind)reader.GetInt16(8));
                lines.Add(new ChatListLine(reader.GetString(0), lastMessage, reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7)));
            }

            return lines.Count > limit ? (lines[..limit], true) : (lines, false);
        });
    }

    /// <summary>Whether the user has written in this conversation (its line counts a message of theirs): one primary-key lookup.</summary>
    public async Task<bool> HasWrittenInAsync(long userId, string conversationId)
    {
        var database = databases.ForUser(userId);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand(
                "SELECT EXISTS (SELECT 1 FROM chat_list_entry WHERE service_id = $1 AND user_id = $2 AND conversation_id = $3 AND last_own_sequence > 0)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
            return (bool)(await command.ExecuteScalarAsync())!;
        });
    }

    /// <summary>Every conversation the user has written in (for presence, which goes only to the people they wrote to).</summary>
    public Task<IReadOnlyList<string>> ConversationsWrittenInAsync(long userId) =>
        ConversationIdsAsync(userId, "AND last_own_sequence > 0", int.MaxValue);

    /// <summary>The user's most recent conversations, at most limit, newest first (for searching among the people in them).</summary>
    public Task<IReadOnlyList<string>> RecentConversationsAsync(long userId, int limit) =>
        ConversationIdsAsync(userId, "ORDER BY last_created_at DESC, conversation_id DESC", limit);

    private async Task<IReadOnlyList<string>> ConversationIdsAsync(long userId, string conditionAndOrder, int limit)
    {
        var database = databases.ForUser(userId);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand(
                $"SELECT conversation_id FROM chat_list_entry WHERE service_id = $1 AND user_id = $2 {conditionAndOrder} LIMIT $3");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit });
            var conversations = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                conversations.Add(reader.GetString(0));
            }

            return conversations;
        });
    }
}

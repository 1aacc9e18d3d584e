using Npgsql;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Grains.Storage;

/// <summary>A chat-list line noted as stale in a conversation's database, as of the time it was noted.</summary>
public sealed record StaleChatListLine(ConversationId Conversation, long UserId, DateTimeOffset NotedAt);

/// <summary>
/// The notes <see cref="MessageLog"/> leaves in a conversation's database when a participant's database could not take
/// their chat-list line: read a page at a time, and removed once the line has been rewritten.
/// </summary>
public sealed class StaleChatListLines(ShardDatabases databases)
{
    /// <summary>The oldest notes in a shard's database.</summary>
    public async Task<IReadOnlyList<StaleChatListLine>> ReadAsync(int shard, int limit)
    {
        var database = databases.ForShard(shard);
        return await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand("""
                SELECT conversation_id, user_id, noted_at FROM chat_list_stale_line
                WHERE service_id = $1
                ORDER BY noted_at
                LIMIT $2
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var lines = new List<StaleChatListLine>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                // A note names a conversation this product wrote; one that does not parse could never be repaired.
                if (ConversationId.TryParse(reader.GetString(0), out var conversation))
                {
                    lines.Add(new StaleChatListLine(conversation, reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
                }
            }

            return lines;
        });
    }

    /// <summary>Removes the note unless it was noted again after it was read (then the newer note stays).</summary>
    public async Task ForgetAsync(StaleChatListLine line)
    {
        var database = databases.ForConversation(line.Conversation);
        await database.RunAsync(async source =>
        {
            await using var command = source.CreateCommand("""
                DELETE FROM chat_list_stale_line
                WHERE service_id = $1 AND conversation_id = $2 AND user_id = $3 AND noted_at = $4
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database.ServiceId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = line.Conversation.ToString() });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = line.UserId });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = line.NotedAt });
            await command.ExecuteNonQueryAsync();
        });
    }
}

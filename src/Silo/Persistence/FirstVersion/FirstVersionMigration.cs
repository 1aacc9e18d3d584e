using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Storage;
using WhatsApp.Grains.Conversations;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Silo.Persistence.FirstVersion;

/// <summary>
/// Moves a first-version database into the second version's rows, in one transaction: messages out of the bucket
/// states, users out of the directory states, and chat lists rebuilt from the message rows with the marks kept in the
/// conversation states. The bucket and directory states are deleted in the same transaction, so it runs once; on a
/// database without them it is a single query. Accounts and conversation states stay where they are (the new types
/// read the old rows: the serializer skips the fields that are gone).
/// </summary>
public sealed partial class FirstVersionMigration(string connectionString, IGrainStorageSerializer serializer, ILogger<FirstVersionMigration> logger)
{
    private const string BucketStateName = "bucket";
    private const string DirectoryStateName = "directory";
    private const string ConversationStateName = "conversation";

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PostgresSchema.LockMigrationsAsync(connection, cancellationToken);

        var buckets = await ReadStatesAsync(connection, BucketStateName, cancellationToken);
        var directories = await ReadStatesAsync(connection, DirectoryStateName, cancellationToken);
        if (buckets.Count == 0 && directories.Count == 0)
        {
            return;
        }

        var messages = buckets
            .SelectMany(bucket => Deserialize<MessageBucketState>(bucket).Messages.Select(message =>
                (bucket.ServiceId, Conversation: bucket.Key[..bucket.Key.IndexOf('/', StringComparison.Ordinal)], Message: message)))
            .ToList();
        await ExecuteAsync(connection, """
            INSERT INTO chat_message (service_id, conversation_id, sequence, from_user_id, client_message_id, content, created_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[])
            ON CONFLICT DO NOTHING
            """, cancellationToken,
            messages.Select(row => row.ServiceId).ToArray(),
            messages.Select(row => row.Conversation).ToArray(),
            messages.Select(row => row.Message.Sequence).ToArray(),
            messages.Select(row => row.Message.FromUserId).ToArray(),
            messages.Select(row => row.Message.ClientMessageId).ToArray(),
            messages.Select(row => row.Message.Content).ToArray(),
            messages.Select(row => row.Message.CreatedAt).ToArray());

        var users = directories
            .SelectMany(directory => Deserialize<UserDirectoryState>(directory).DisplayNames.Select(user => (directory.ServiceId, UserId: user.Key, Name: user.Value)))
            .ToList();
        await ExecuteAsync(connection, """
            INSERT INTO chat_user (service_id, user_id, display_name)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
            ON CONFLICT DO NOTHING
            """, cancellationToken,
            users.Select(user => user.ServiceId).ToArray(),
            users.Select(user => user.UserId).ToArray(),
            users.Select(user => user.Name).ToArray());

        var services = buckets.Select(bucket => bucket.ServiceId).Distinct().ToArray();
        await ExecuteAsync(connection, RebuildChatListsSql, cancellationToken, services, ChatListLine.PreviewLength);
        await CopyMarksIntoChatListsAsync(connection, services, cancellationToken);

        await ExecuteAsync(connection, "DELETE FROM grain_state WHERE state_name = ANY($1)", cancellationToken, (object)new[] { BucketStateName, DirectoryStateName });
        await transaction.CommitAsync(cancellationToken);
        LogMigrated(messages.Count, users.Count, services.Length);
    }

    /// <summary>Each participant's line of every direct conversation: its newest message and the participant's own newest.</summary>
    private const string RebuildChatListsSql = """
        INSERT INTO chat_list_entry (service_id, user_id, conversation_id, last_sequence, last_from_user_id,
                                     last_preview, last_created_at, last_own_sequence)
        SELECT newest.service_id, participant.user_id, newest.conversation_id, newest.sequence, newest.from_user_id,
               left(newest.content, $2), newest.created_at,
               coalesce((SELECT max(own.sequence) FROM chat_message AS own
                         WHERE own.service_id = newest.service_id AND own.conversation_id = newest.conversation_id
                           AND own.from_user_id = participant.user_id), 0)
        FROM (SELECT DISTINCT ON (service_id, conversation_id) service_id, conversation_id, sequence, from_user_id, content, created_at
              FROM chat_message WHERE service_id = ANY($1)
              ORDER BY service_id, conversation_id, sequence DESC) AS newest
        CROSS JOIN LATERAL (VALUES (split_part(newest.conversation_id, '-', 1)::bigint),
                                   (split_part(newest.conversation_id, '-', 2)::bigint)) AS participant (user_id)
        WHERE newest.conversation_id NOT LIKE 'g%'
        ON CONFLICT (service_id, user_id, conversation_id) DO NOTHING
        """;

    private async Task CopyMarksIntoChatListsAsync(NpgsqlConnection connection, string[] services, CancellationToken cancellationToken)
    {
        var marks = (await ReadStatesAsync(connection, ConversationStateName, cancellationToken))
            .Where(conversation => services.Contains(conversation.ServiceId))
            .SelectMany(conversation => Deserialize<ConversationState>(conversation).Marks.Select(mark => (conversation.ServiceId, Conversation: conversation.Key, UserId: mark.Key, mark.Value)))
            .ToList();
        await ExecuteAsync(connection, """
            UPDATE chat_list_entry AS line SET delivered_up_to = mark.delivered_up_to, read_up_to = mark.read_up_to
            FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
                AS mark (service_id, conversation_id, user_id, delivered_up_to, read_up_to)
            WHERE line.service_id = mark.service_id AND line.conversation_id = mark.conversation_id AND line.user_id = mark.user_id
            """, cancellationToken,
            marks.Select(mark => mark.ServiceId).ToArray(),
            marks.Select(mark => mark.Conversation).ToArray(),
            marks.Select(mark => mark.UserId).ToArray(),
            marks.Select(mark => mark.Value.DeliveredUpTo).ToArray(),
            marks.Select(mark => mark.Value.ReadUpTo).ToArray());
    }

    private T Deserialize<T>(StateRow row) => serializer.Deserialize<T>(new BinaryData(row.Payload))
        ?? throw new InvalidOperationException($"The {typeof(T).Name} of {row.ServiceId}/{row.Key} is empty.");

    private static async Task<List<StateRow>> ReadStatesAsync(NpgsqlConnection connection, string stateName, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT service_id, grain_id_extension, payload FROM grain_state
            WHERE state_name = $1 AND payload IS NOT NULL
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
        var rows = new List<StateRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StateRow(reader.GetString(0), reader.GetString(1), (byte[])reader[2]));
        }

        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One grain-state row; string-keyed grains (conversations, buckets) carry their key in the extension.</summary>
    private sealed record StateRow(string ServiceId, string Key, byte[] Payload);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information,
        Message = "Migrated the first version's data: {Messages} messages into rows, {Users} users into the directory, chat lists of {Services} services rebuilt")]
    private partial void LogMigrated(int messages, int users, int services);
}

using System.Globalization;
using Npgsql;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// The statements of a group commit. Each is one multi-row statement over arrays (unnest), so a batch of any size is
/// at most five statements, parsed and planned the same way every time.
/// </summary>
internal static class MessageRowsSql
{
    /// <summary>
    /// Inserts the messages, skipping any whose sequence or clientMessageId is taken; RETURNING tells which went in, so
    /// a conflicting conversation is found without failing the transaction.
    /// </summary>
    public static NpgsqlBatchCommand InsertMessages(string serviceId, IReadOnlyList<ConversationWrite> writes)
    {
        var messages = writes.SelectMany(write => write.Messages.Select(message => (ConversationId: write.Key, Message: message))).ToList();
        return Command("""
            INSERT INTO chat_message (service_id, conversation_id, sequence, from_user_id, client_message_id, content, created_at, kind, reply_to, media)
            SELECT $1, conversation_id, sequence, from_user_id, client_message_id, content, created_at, kind, reply_to, media::jsonb
            FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::timestamptz[], $8::smallint[], $9::bigint[], $10::text[])
                AS message (conversation_id, sequence, from_user_id, client_message_id, content, created_at, kind, reply_to, media)
            ON CONFLICT DO NOTHING
            RETURNING conversation_id
            """,
            serviceId,
            messages.Select(row => row.ConversationId).ToArray(),
            messages.Select(row => row.Message.Sequence).ToArray(),
            messages.Select(row => row.Message.FromUserId).ToArray(),
            messages.Select(row => row.Message.ClientMessageId).ToArray(),
            messages.Select(row => row.Message.Content).ToArray(),
            messages.Select(row => row.Message.CreatedAt).ToArray(),
            messages.Select(row => (short)row.Message.Kind).ToArray(),
            messages.Select(row => row.Message.ReplyTo).ToArray(),
            messages.Select(row => StoredMedia.Write(row.Message.Media)).ToArray());
    }

    /// <summary>
    /// Moves each participant's chat-list line to the conversation's newest message. The condition keeps a line from
    /// going backwards, whatever order commits land in.
    /// </summary>
    public static NpgsqlBatchCommand UpsertChatListLines(string serviceId, IReadOnlyList<ConversationWrite> writes)
    {
        var lines = writes.SelectMany(write => write.ChatListUpdates.Select(update => (ConversationId: write.Key, Update: update))).ToList();
        return Command("""
            INSERT INTO chat_list_entry AS line (service_id, user_id, conversation_id, last_sequence, last_from_user_id,
                                                 last_preview, last_created_at, last_own_sequence, last_kind)
            SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::timestamptz[], $8::bigint[], $9::smallint[])
            ON CONFLICT (service_id, user_id, conversation_id) DO UPDATE SET
                last_sequence = excluded.last_sequence,
                last_from_user_id = excluded.last_from_user_id,
                last_preview = excluded.last_preview,
                last_created_at = excluded.last_created_at,
                last_kind = excluded.last_kind,
                last_own_sequence = greatest(line.last_own_sequence, excluded.last_own_sequence)
            WHERE line.last_sequence < excluded.last_sequence
            """,
            serviceId,
            lines.Select(line => line.Update.UserId).ToArray(),
            lines.Select(line => line.ConversationId).ToArray(),
            lines.Select(line => line.Update.LastMessage.Sequence).ToArray(),
            lines.Select(line => line.Update.LastMessage.FromUserId).ToArray(),
            lines.Select(line => Preview(line.Update.LastMessage)).ToArray(),
            lines.Select(line => line.Update.LastMessage.CreatedAt).ToArray(),
            lines.Select(line => line.Update.LastOwnSequence).ToArray(),
            lines.Select(line => (short)line.Update.LastMessage.Kind).ToArray());
    }

    /// <summary>The conversation's own mark rows, one per participant; like the copies, they only move forward.</summary>
    public static NpgsqlBatchCommand UpsertConversationMarks(string serviceId, IReadOnlyList<ConversationWrite> writes)
    {
        var marks = writes.SelectMany(write => write.ConversationMarks.Select(mark => (ConversationId: write.Key, Mark: mark))).ToList();
        return Command("""
            INSERT INTO conversation_mark AS mark (service_id, conversation_id, user_id, delivered_up_to, read_up_to)
            SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
            ON CONFLICT (service_id, conversation_id, user_id) DO UPDATE SET
                delivered_up_to = greatest(mark.delivered_up_to, excluded.delivered_up_to),
                read_up_to = greatest(mark.read_up_to, excluded.read_up_to)
            """,
            serviceId,
            marks.Select(mark => mark.ConversationId).ToArray(),
            marks.Select(mark => mark.Mark.UserId).ToArray(),
            marks.Select(mark => mark.Mark.DeliveredUpTo).ToArray(),
            marks.Select(mark => mark.Mark.ReadUpTo).ToArray());
    }

    /// <summary>Marks only move forward.</summary>
    public static NpgsqlBatchCommand UpdateMarks(string serviceId, IReadOnlyList<ConversationWrite> writes)
    {
        var marks = writes.SelectMany(write => write.Marks.Select(mark => (ConversationId: write.Key, Mark: mark))).ToList();
        return Command("""
            UPDATE chat_list_entry AS line SET
                delivered_up_to = greatest(line.delivered_up_to, mark.delivered_up_to),
                read_up_to = greatest(line.read_up_to, mark.read_up_to)
            FROM unnest($2::bigint[], $3::text[], $4::bigint[], $5::bigint[]) AS mark (user_id, conversation_id, delivered_up_to, read_up_to)
            WHERE line.service_id = $1 AND line.user_id = mark.user_id AND line.conversation_id = mark.conversation_id
            """,
            serviceId,
            marks.Select(mark => mark.Mark.UserId).ToArray(),
            marks.Select(mark => mark.ConversationId).ToArray(),
            marks.Select(mark => mark.Mark.DeliveredUpTo).ToArray(),
            marks.Select(mark => mark.Mark.ReadUpTo).ToArray());
    }

    /// <summary>
    /// Notes chat-list lines in other databases that could not be written with their conversation's commit; the
    /// repairer rewrites them from the conversation (<see cref="StaleChatListLines"/>). noted_at changes on every note,
    /// so a repair that read an older note never removes a newer one.
    /// </summary>
    public static NpgsqlBatchCommand NoteStaleLines(string serviceId, IReadOnlyList<ConversationWrite> writes)
    {
        var stale = writes.SelectMany(write => write.StaleLineOwners.Select(userId => (write.Key, UserId: userId))).ToList();
        return Command("""
            INSERT INTO chat_list_stale_line (service_id, conversation_id, user_id)
            SELECT $1, * FROM unnest($2::text[], $3::bigint[])
            ON CONFLICT (service_id, conversation_id, user_id) DO UPDATE SET noted_at = clock_timestamp()
            """,
            serviceId,
            stale.Select(line => line.Key).ToArray(),
            stale.Select(line => line.UserId).ToArray());
    }

    /// <summary>What a chat-list line shows of its newest message: the first characters of a text, never cutting a surrogate pair in two.</summary>
    public static string Preview(MessageRow message)
    {
        const int PreviewLength = ChatListLine.PreviewLength;
        if (message.Kind == MessageKind.GroupChange)
        {
            return GroupChangeContent.Preview(message.Content);
        }

        var content = message.Media is { } media && message.Content.Length == 0 ? MediaPreviewText(message.Kind, media) : message.Content;
        if (content.Length <= PreviewLength)
        {
            return content;
        }

        var length = char.IsHighSurrogate(content[PreviewLength - 1]) ? PreviewLength - 1 : PreviewLength;
        return content[..length];
    }

    /// <summary>A medium without a caption shows as what it is (a document by its name); clients add the icon by the kind.</summary>
    private static string MediaPreviewText(MessageKind kind, MessageMedia media) => kind switch
    {
        MessageKind.Photo => "Photo",
        MessageKind.VoiceNote => media.DurationMs is { } duration
            ? string.Create(CultureInfo.InvariantCulture, $"Voice note ({TimeSpan.FromMilliseconds(duration):m\\:ss})")
            : "Voice note",
        _ => media.FileName,
    };

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }
}

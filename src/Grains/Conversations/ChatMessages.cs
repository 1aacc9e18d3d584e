using System.Globalization;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>A stored message row as clients see it: the contract's Message, derived from the row and its conversation.</summary>
internal static class ChatMessages
{
    /// <summary>The message of a row; <paramref name="quoted"/> is the row it replies to, when it is a reply.</summary>
    public static ChatMessage From(ConversationId conversation, MessageRow row, int shardCount, MessageRow? quoted = null)
    {
        var message = Text(conversation, row, shardCount) with
        {
            Kind = row.Kind,
            ReplyTo = row.ReplyTo,
            Quote = quoted is null ? null : new MessageQuote(quoted.Sequence, quoted.FromUserId, MessageRowsSql.Preview(quoted), quoted.Kind),
            EditedAt = row.EditedAt,
            Reactions = row.Reactions.Count == 0 ? null : row.Reactions,
            Media = row.Media,
        };
        return row.Kind == MessageKind.GroupChange
            ? message with { Content = string.Empty, Change = GroupChangeContent.Read(row.Content) }
            : message;
    }

    private static ChatMessage Text(ConversationId conversation, MessageRow row, int shardCount) => new(
        Id: string.Create(CultureInfo.InvariantCulture, $"{conversation}:{row.Sequence}"),
        ConversationId: conversation.ToString(),
        Sequence: row.Sequence,
        FromUserId: row.FromUserId,
        ToUserId: conversation.IsGroup ? null : conversation.PeerOf(row.FromUserId),
        GroupId: conversation.IsGroup ? conversation.First : null,
        Content: row.Content,
        ClientMessageId: row.ClientMessageId,
        CreatedAt: row.CreatedAt,
        Shard: Shards.Of(conversation.ShardKey, shardCount),
        Status: MessageStatus.Sent);
}

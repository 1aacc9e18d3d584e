using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Operations;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// The silo's messages over every shard database, routed to one <see cref="ShardMessageStore"/> per database: a
/// conversation's messages live in its shard's database, each user's chat-list line and marks in the user's. A write goes
/// to the store of each database it touches; its task completes once the conversation's own part has committed and every
/// other part has either committed or been noted as stale in the conversation's database (so a participant's database
/// being down never fails or slows the conversation's sends: their line is rewritten when it is back).
/// </summary>
public sealed partial class MessageLog : IAsyncDisposable
{
    private readonly ShardDatabases _databases;
    private readonly ShardMessageStore[] _stores;
    private readonly ILogger<MessageLog> _logger;

    public MessageLog(ShardDatabases databases, IOptions<GroupCommitOptions> options, ChatMetrics metrics, ILogger<MessageLog> logger)
    {
        _databases = databases;
        _logger = logger;
        _stores = [.. databases.Distinct.Select(database => new ShardMessageStore(database, options.Value, metrics, logger))];
    }

    /// <summary>
    /// Writes the conversation's rows to its database, then the lines and marks of participants whose database is
    /// another. Conflict (nothing stored) comes only from the conversation's own part.
    /// </summary>
    public async Task<WriteOutcome> AppendAsync(ConversationWrite write)
    {
        var home = _databases.ForConversation(write.Conversation);
        var (own, elsewhere) = Split(write, home);
        if (own.RowCount > 0 && await StoreIn(home).AppendAsync(own) == WriteOutcome.Conflict)
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
            await StoreIn(home).AppendAsync(new ConversationWrite(write.Conversation, [], [], []) { StaleLineOwners = missed });
        }

        return WriteOutcome.Committed;
    }

    /// <summary>Writes a user's whole chat-list line and marks to the user's database, failing when it cannot.</summary>
    public async Task RewriteChatListLineAsync(ConversationId conversation, ChatListUpdate line, MarkUpdate marks) =>
        await StoreIn(_databases.ForUser(line.UserId)).AppendAsync(new ConversationWrite(conversation, [], [line], [marks]));

    /// <summary>The store of the database that keeps this conversation's messages.</summary>
    public ShardMessageStore StoreOf(ConversationId conversation) => StoreIn(_databases.ForConversation(conversation));

    /// <summary>
    /// Rewrites the preview of the chat-list lines whose newest message is this one, in each owner's database: after an
    /// edit, and after a delete, which must leave no copy of the content behind. Fails when a database cannot take it.
    /// </summary>
    public Task RewritePreviewsAsync(ConversationId conversation, MessageRow message, IEnumerable<long> lineOwners) =>
        Task.WhenAll(lineOwners.GroupBy(_databases.ForUser).Select(owners => StoreIn(owners.Key).RewritePreviewsAsync(conversation, message, owners)));

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    private ShardMessageStore StoreIn(ChatDatabase database) => _stores[database.Index];

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
            await StoreIn(part.Database).AppendAsync(part.Write);
            return [];
        }
        catch (Exception exception)
        {
            var users = part.Write.ChatListUpdates.Select(line => line.UserId).Concat(part.Write.Marks.Select(mark => mark.UserId)).Distinct().ToList();
            LogLinesDeferred(exception, part.Write.Key, part.Database.Name, string.Join(", ", users));
            return users;
        }
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "The chat-list lines of conversation {Conversation} for users {Users} could not be written to {Database}; noted as stale, to be rewritten when it is back")]
    private partial void LogLinesDeferred(Exception exception, string conversation, string database, string users);
}

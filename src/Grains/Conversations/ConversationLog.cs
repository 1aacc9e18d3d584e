using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// One conversation's part of the silo's <see cref="MessageLog"/>, in the conversation's terms: its messages as clients
/// see them (the contract's Message; the grain sets the ticks), and its participants' chat-list lines and marks. The
/// grain decides what is written and when, and numbers the messages; this knows how they are stored and read back.
/// </summary>
internal sealed class ConversationLog(ConversationId conversation, MessageLog log, int shardCount) : ISequencedMessageStore
{
    private readonly ShardMessageStore _home = log.StoreOf(conversation);

    /// <summary>The newest sequence in storage (0 when the conversation has no message).</summary>
    public Task<long> LastSequenceAsync() => _home.LastSequenceAsync(conversation);

    /// <summary>The messages from <paramref name="oldest"/> to <paramref name="newest"/>, both included, oldest first.</summary>
    public async Task<IReadOnlyList<ChatMessage>> ReadAsync(long oldest, long newest) =>
        await WithQuotesAsync(await _home.ReadAsync(conversation, oldest, newest));

    /// <summary>The message row at a sequence, as a chat-list line shows it.</summary>
    public async Task<MessageRow> ReadRowAsync(long sequence) => (await _home.ReadAsync(conversation, sequence, sequence))[0];

    /// <summary>A stored row as clients see it (with its quote, for a reply).</summary>
    public async Task<ChatMessage> MessageOfAsync(MessageRow row) => (await WithQuotesAsync([row]))[0];

    /// <summary>A group's timeline (who may read what), folded from its recorded changes.</summary>
    public async Task<GroupTimeline> ReadTimelineAsync()
    {
        var timeline = new GroupTimeline(conversation.First);
        foreach (var change in await _home.ReadGroupChangesAsync(conversation))
        {
            timeline.Apply(change.Sequence, GroupChangeContent.Read(change.Content));
        }

        return timeline;
    }

    /// <summary>Members' chat-list lines, each to the user's database (those a database down could not take are noted stale).</summary>
    public Task WriteLinesAsync(IReadOnlyList<ChatListUpdate> lines) =>
        log.AppendAsync(new ConversationWrite(conversation, [], lines, []));

    /// <summary>The stored messages among those sent under these clientMessageIds.</summary>
    public async Task<IReadOnlyList<ChatMessage>> FindByClientMessageIdsAsync(IReadOnlyList<(long FromUserId, string ClientMessageId)> keys) =>
        keys.Count == 0 ? [] : await WithQuotesAsync(await _home.FindByClientMessageIdsAsync(conversation, keys));

    /// <summary>Changes a stored text (edit, delete, reaction); the message as it stands after, or null when it is not a text.</summary>
    public async Task<(MessageRow Row, ChatMessage Message)?> ChangeAsync(long sequence, MessageChange change)
    {
        var row = await _home.ChangeAsync(conversation, sequence, change);
        return row is null ? null : (row, await MessageOfAsync(row));
    }

    /// <summary>The chat-list lines of these users that show this message show it as it stands now.</summary>
    public Task RewritePreviewsAsync(MessageRow message, IEnumerable<long> lineOwners) =>
        log.RewritePreviewsAsync(conversation, message, lineOwners);

    /// <summary>
    /// Commits numbered messages and (in a direct conversation) each participant's chat-list line moved to the newest of
    /// them, as one write; a group's lines follow through <see cref="WriteLinesAsync"/>. Returns
    /// the messages as stored, or null when a sequence or a clientMessageId was taken already (then nothing was stored).
    /// </summary>
    public async Task<IReadOnlyList<ChatMessage>?> AppendAsync(IReadOnlyList<MessageRow> rows)
    {
        var newest = rows[^1];
        var lines = conversation.DirectParticipants
            .Select(participant => new ChatListUpdate(
                participant,
                newest,
                rows.Where(row => row.FromUserId == participant).Select(row => row.Sequence).DefaultIfEmpty(0).Max()))
            .ToList();
        var outcome = await log.AppendAsync(new ConversationWrite(conversation, rows, lines, []));
        return outcome == WriteOutcome.Conflict ? null : await WithQuotesAsync(rows);
    }

    /// <summary>A participant's marks: the conversation's row of them, and the copy in their chat-list line (their unread count).</summary>
    public Task AppendMarksAsync(long userId, ParticipantMarks marks) =>
        log.AppendAsync(ConversationWrite.OfMarks(conversation, Marks(userId, marks)));

    /// <summary>Every participant's marks, as the conversation's rows keep them.</summary>
    public async Task<Dictionary<long, ParticipantMarks>> ReadMarksAsync() =>
        (await _home.ReadMarksAsync(conversation)).ToDictionary(mark => mark.UserId, mark => new ParticipantMarks(mark.DeliveredUpTo, mark.ReadUpTo));

    /// <summary>Marks an earlier version kept in the grain's state, written as the conversation's rows (their chat-list copies are there already).</summary>
    public Task ImportMarksAsync(IReadOnlyDictionary<long, ParticipantMarks> marks) =>
        log.AppendAsync(new ConversationWrite(conversation, [], [], []) { ConversationMarks = [.. marks.Select(mark => Marks(mark.Key, mark.Value))] });

    /// <summary>
    /// A participant's chat-list line as storage and the grain know it: the newest message, their own newest (read from
    /// storage, as only a repair needs it) and their marks.
    /// </summary>
    public async Task RewriteChatListLineAsync(long userId, long lastSequence, ParticipantMarks marks)
    {
        var newest = await ReadRowAsync(lastSequence);
        var ownNewest = await _home.LastSequenceFromAsync(conversation, userId);
        await log.RewriteChatListLineAsync(conversation, new ChatListUpdate(userId, newest, ownNewest), Marks(userId, marks));
    }

    private static MarkUpdate Marks(long userId, ParticipantMarks marks) => new(userId, marks.DeliveredUpTo, marks.ReadUpTo);

    /// <summary>The messages of rows, each reply with the message it quotes as it stands (read in one query, if not among the rows).</summary>
    private async Task<IReadOnlyList<ChatMessage>> WithQuotesAsync(IReadOnlyList<MessageRow> rows)
    {
        var quotes = rows.ToDictionary(row => row.Sequence);
        var missing = rows.Select(row => row.ReplyTo).OfType<long>().Where(sequence => !quotes.ContainsKey(sequence)).Distinct().ToList();
        if (missing.Count > 0)
        {
            foreach (var quoted in await _home.ReadSequencesAsync(conversation, missing))
            {
                quotes[quoted.Sequence] = quoted;
            }
        }

        return [.. rows.Select(row => ChatMessages.From(conversation, row, shardCount, row.ReplyTo is { } replyTo ? quotes.GetValueOrDefault(replyTo) : null))];
    }
}

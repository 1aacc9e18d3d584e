using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// How far each participant has received and read: marks that only move forward, each participant's a row of the
/// conversation's own (read at activation, held here), copied to the participant's chat-list line (their unread count).
/// In a direct conversation both people learn a receipt; in a group an author's ticks turn once every member has got
/// that far.
/// </summary>
public sealed partial class ConversationGrain
{
    private Dictionary<long, ParticipantMarks> _marks = [];

    public Task<ChatResult> MarkDeliveredAsync(long userId, long upToSequence) =>
        AdvanceMarksAsync(userId, upToSequence, ReceiptKind.Delivered);

    public Task<ChatResult> MarkReadAsync(long userId, long upToSequence) =>
        AdvanceMarksAsync(userId, upToSequence, ReceiptKind.Read);

    private async Task<ChatResult> AdvanceMarksAsync(long userId, long upToSequence, ReceiptKind kind)
    {
        if ((RefuseUnlessParticipant(userId) ?? RefuseUntilFirstMessage()) is { } refusal)
        {
            return new ChatResult(refusal);
        }

        if (upToSequence < 1 || upToSequence > LastSequence)
        {
            return ChatResult.Fail(ChatErrorCode.InvalidSequence, $"upToSequence must be 1 to {LastSequence}, the last message of the conversation.");
        }

        var current = MarksOf(userId);
        var advanced = kind == ReceiptKind.Read
            ? new ParticipantMarks(Math.Max(current.DeliveredUpTo, upToSequence), Math.Max(current.ReadUpTo, upToSequence))
            : current with { DeliveredUpTo = Math.Max(current.DeliveredUpTo, upToSequence) };
        if (advanced == current)
        {
            return ChatResult.Ok;
        }

        // Held here only once stored: a mark that failed to store is not advanced, so its retry writes it.
        var authorsSaw = _timeline is null ? null : AuthorWatermarks(kind);
        await _log!.AppendMarksAsync(userId, advanced);
        _marks[userId] = advanced;

        var receipt = new Receipt(_id!.Value.ToString(), userId, kind, kind == ReceiptKind.Read ? advanced.ReadUpTo : advanced.DeliveredUpTo);
        if (authorsSaw is null)
        {
            _outbox.QueueReceipt(_id.Value.DirectParticipants, receipt);
            return ChatResult.Ok;
        }

        // In a group the reader's own devices learn their mark; each other member learns how far their own messages
        // have now been received or read by everyone, when that moved.
        _outbox.QueueReceipt([userId], receipt);
        var authorsSee = AuthorWatermarks(kind);
        foreach (var author in _timeline!.Participants.Where(member => member != userId))
        {
            if (authorsSee.For(author) > authorsSaw.For(author))
            {
                _outbox.QueueReceipt([author], receipt with { UpToSequence = Math.Min(authorsSee.For(author), LastSequence) });
            }
        }

        return ChatResult.Ok;
    }

    /// <summary>
    /// Reads the participants' marks (a conversation without a message has none). An earlier version kept them all in
    /// the grain's state: the first activation after it writes them as rows and clears them from the state.
    /// </summary>
    private async Task LoadMarksAsync(ConversationLog conversationLog)
    {
        if (LastSequence == 0)
        {
            return;
        }

        _marks = await conversationLog.ReadMarksAsync();
        if (state.State.Marks.Count == 0)
        {
            return;
        }

        foreach (var (userId, kept) in state.State.Marks)
        {
            var stored = MarksOf(userId);
            _marks[userId] = new ParticipantMarks(Math.Max(stored.DeliveredUpTo, kept.DeliveredUpTo), Math.Max(stored.ReadUpTo, kept.ReadUpTo));
        }

        await conversationLog.ImportMarksAsync(_marks);
        state.State.Marks.Clear();
        await WriteStateOrReloadAsync(state);
    }

    /// <summary>
    /// How far each group member's own messages have been received (or read) by every other current member: the lowest
    /// mark among the others, a member counting as having seen everything before they joined. The two lowest marks
    /// answer it for everyone, so a mark costs one pass over the members, not one per author.
    /// </summary>
    private AuthorWatermark AuthorWatermarks(ReceiptKind kind)
    {
        var (lowest, lowestMember, second) = (long.MaxValue, 0L, long.MaxValue);
        foreach (var member in _timeline!.Participants)
        {
            var marks = MarksOf(member);
            var mark = Math.Max(kind == ReceiptKind.Read ? marks.ReadUpTo : marks.DeliveredUpTo, _timeline.ReadableBy(member)!.From);
            if (mark < lowest)
            {
                (second, lowest, lowestMember) = (lowest, mark, member);
            }
            else if (mark < second)
            {
                second = mark;
            }
        }

        return new AuthorWatermark(lowest, lowestMember, second);
    }

    private sealed record AuthorWatermark(long Lowest, long LowestMember, long Second)
    {
        public long For(long author) => author == LowestMember ? Second : Lowest;
    }

    public async Task<ChatResult<MessageInfo>> GetMessageInfoAsync(long userId, long sequence)
    {
        // Current participants only: the info tells the current members' progress, nothing a former member may follow.
        if (RefuseUnlessParticipant(userId) is { } refusal)
        {
            return ChatResult.Fail<MessageInfo>(refusal);
        }

        if (sequence < 1 || sequence > LastSequence)
        {
            return ChatResult.Fail<MessageInfo>(ChatErrorCode.InvalidSequence, $"sequence must be 1 to {LastSequence}, the last message of the conversation.");
        }

        var message = (await _log!.ReadAsync(sequence, sequence))[0];
        if (message.FromUserId != userId || !message.Kind.IsAuthored())
        {
            return ChatResult.Fail<MessageInfo>(ChatErrorCode.NotMessageAuthor, $"Only the author of message {sequence} sees who has received and read it.");
        }

        var readers = _access!.ReadersOf(message).ToList();
        return ChatResult.Success(new MessageInfo(
            _id!.Value.ToString(),
            sequence,
            ReadBy: [.. readers.Where(reader => MarksOf(reader).ReadUpTo >= sequence)],
            DeliveredTo: [.. readers.Where(reader => MarksOf(reader).ReadUpTo < sequence && MarksOf(reader).DeliveredUpTo >= sequence)],
            Pending: [.. readers.Where(reader => MarksOf(reader).DeliveredUpTo < sequence)]));
    }
}

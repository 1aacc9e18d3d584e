using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// What a conversation does differently as a group's: it knows its members from the changes recorded in its history
/// (<see cref="GroupTimeline"/>), tells each of them on their own, moves their chat-list lines after the
/// acknowledgement (<see cref="GroupChatListLines"/>), and turns an author's ticks once every member has got that far.
/// </summary>
public sealed partial class ConversationGrain
{
    /// <summary>
    /// A group reads who may read what from its recorded changes, and moves every member's chat-list line to the newest
    /// message: lines are written after acknowledgements, so a silo that died in between may have left some behind.
    /// </summary>
    private async Task StartGroupAsync(ConversationLog conversationLog)
    {
        _timeline = await conversationLog.ReadTimelineAsync();
        _groupLines = new GroupChatListLines(this, conversationLog, chatOptions.Value.NotificationRetryInterval, logger);
        if (_lastSequence > 0)
        {
            var newest = await conversationLog.ReadRowAsync(_lastSequence);
            foreach (var member in _timeline.Members)
            {
                _groupLines.Advance(member, newest, ownNewest: 0);
            }
        }
    }

    /// <summary>
    /// Tells the participants about committed messages, and in a group moves its members' chat-list lines after them.
    /// A group change takes effect at its sequence: whoever it adds gets it and what follows, whoever it removes gets it
    /// and nothing after.
    /// </summary>
    private void Announce(List<MessageRow> rows, IReadOnlyList<ChatMessage> messages)
    {
        if (_timeline is null)
        {
            _outbox.QueueMessages(_id!.Value.DirectParticipants, messages);
            return;
        }

        var received = new Dictionary<long, List<ChatMessage>>();
        for (var i = 0; i < rows.Count; i++)
        {
            var leaving = messages[i].Change is { } change ? _timeline.Apply(rows[i].Sequence, change) : [];
            foreach (var member in _timeline.Members.Concat(leaving))
            {
                if (!received.TryGetValue(member, out var theirs))
                {
                    received[member] = theirs = [];
                }

                theirs.Add(messages[i]);
                _groupLines!.Advance(member, rows[i], ownNewest: rows[i].FromUserId == member ? rows[i].Sequence : 0);
            }
        }

        // Members who got the same messages (all of them, unless the round changed the group) share one list.
        foreach (var (sameMessages, members) in received.GroupBy(pair => pair.Value.Count == messages.Count ? messages : pair.Value, pair => pair.Key)
                     .Select(group => (group.Key, group.ToList())))
        {
            _outbox.QueueMessages(members, sameMessages);
        }
    }

    /// <summary>
    /// How far each group member's own messages have been received (or read) by every other current member: the lowest
    /// mark among the others, a member counting as having seen everything before they joined. The two lowest marks
    /// answer it for everyone, so a mark costs one pass over the members, not one per author.
    /// </summary>
    private AuthorWatermark AuthorWatermarks(ReceiptKind kind)
    {
        var (lowest, lowestMember, second) = (long.MaxValue, 0L, long.MaxValue);
        foreach (var member in _timeline!.Members)
        {
            var marks = MarksOf(member);
            var mark = Math.Max(kind == ReceiptKind.Read ? marks.ReadUpTo : marks.DeliveredUpTo, _timeline.StayOf(member)!.From);
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

    private sealed record StoredSend(ChatMessage Message, bool WasDuplicate);
}

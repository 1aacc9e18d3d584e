using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// What a conversation does differently as a group's: it knows its members from the changes recorded in its history
/// (<see cref="GroupTimeline"/>), tells each of them on their own, moves their chat-list lines after the
/// acknowledgement (<see cref="GroupChatListLines"/>), coalesces its members' typing (<see cref="GroupTyping"/>), and
/// turns an author's ticks once every member has got that far.
/// </summary>
public sealed partial class ConversationGrain
{
    /// <summary>
    /// A group reads who may read what from its recorded changes, and moves every member's chat-list line to the newest
    /// message: lines are written after acknowledgements, so a silo that died in between may have left some behind.
    /// </summary>
    private async Task<GroupTimeline> StartGroupAsync(ConversationLog conversationLog)
    {
        _timeline = await conversationLog.ReadTimelineAsync();
        _groupLines = new GroupChatListLines(this, conversationLog, chatOptions.Value.NotificationRetryInterval, logger);
        _groupTyping = new GroupTyping(this.RetryTimer(), chatOptions.Value.GroupTypingInterval, time, TellTypingAsync);
        if (LastSequence > 0)
        {
            var newest = await conversationLog.ReadRowAsync(LastSequence);
            foreach (var member in _timeline.Participants)
            {
                _groupLines.Advance(member, newest, ownNewest: 0);
            }
        }

        return _timeline;
    }

    /// <summary>
    /// Tells the participants about committed messages, in either kind of conversation; in a group it also moves its
    /// members' chat-list lines after them (a direct conversation's moved in the commit). A group change takes effect at
    /// its sequence: whoever it adds gets it and what follows, whoever it removes gets it and nothing after.
    /// </summary>
    private void Announce(IReadOnlyList<MessageRow> rows, IReadOnlyList<ChatMessage> messages)
    {
        var received = new Dictionary<long, List<ChatMessage>>();
        for (var i = 0; i < rows.Count; i++)
        {
            var leaving = messages[i].Change is { } change ? _timeline!.Apply(rows[i].Sequence, change) : [];
            foreach (var member in _access!.Participants.Concat(leaving))
            {
                if (!received.TryGetValue(member, out var theirs))
                {
                    received[member] = theirs = [];
                }

                theirs.Add(messages[i]);
                _groupLines?.Advance(member, rows[i], ownNewest: rows[i].FromUserId == member ? rows[i].Sequence : 0);
            }
        }

        // Participants who got the same messages (all of them, unless the round changed the group) share one list.
        foreach (var (sameMessages, members) in received.GroupBy(pair => pair.Value.Count == messages.Count ? messages : pair.Value, pair => pair.Key)
                     .Select(group => (group.Key, group.ToList())))
        {
            _outbox.QueueMessages(members, sameMessages);
        }
    }
}

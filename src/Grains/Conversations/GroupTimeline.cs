using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Who may read what in a group's conversation, folded from its recorded changes in sequence order: each user's latest
/// stay, from the change that added them to the one that removed them (both included), open while they are a member.
/// A user added again starts a new stay: what was said while they were out stays hidden from them. Members write; whoever
/// was ever in reads their stay.
/// </summary>
internal sealed class GroupTimeline(long groupId) : IConversationAccess
{
    private readonly Dictionary<long, ReadableRange> _stays = [];
    private readonly List<long> _members = [];

    /// <summary>The current members, in the order they (last) joined.</summary>
    public IReadOnlyList<long> Participants => _members;

    public bool IsMember(long userId) => _stays.TryGetValue(userId, out var stay) && stay.Until is null;

    public ChatError? RefuseWriter(long userId) => IsMember(userId)
        ? null
        : new ChatError(ChatErrorCode.NotParticipant, $"User {userId} is not a member of group {groupId}.");

    /// <summary>The sequences a user may read (their latest stay), or null if they were never in the group.</summary>
    public ReadableRange? ReadableBy(long userId) => _stays.TryGetValue(userId, out var stay) ? stay : null;

    public IEnumerable<long> ReadersOf(ChatMessage message) =>
        _members.Where(member => member != message.FromUserId && _stays[member].From <= message.Sequence);

    /// <summary>Applies a change recorded at <paramref name="sequence"/>; returns the users it let out.</summary>
    public IReadOnlyList<long> Apply(long sequence, GroupChange change)
    {
        foreach (var joining in change.Joining.Where(userId => !IsMember(userId)))
        {
            _stays[joining] = new ReadableRange(sequence, null);
            _members.Add(joining);
        }

        var leaving = change.Leaving.Where(IsMember).ToList();
        foreach (var userId in leaving)
        {
            _stays[userId] = _stays[userId] with { Until = sequence };
            _members.Remove(userId);
        }

        return leaving;
    }
}

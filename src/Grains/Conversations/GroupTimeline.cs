using WhatsApp.Grains.Abstractions.Groups;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Who may read what in a group's conversation, folded from its recorded changes in sequence order: each user's latest
/// stay, from the change that added them to the one that removed them (both included), open while they are a member.
/// A user added again starts a new stay: what was said while they were out stays hidden from them.
/// </summary>
internal sealed class GroupTimeline
{
    private readonly Dictionary<long, Stay> _stays = [];
    private readonly List<long> _members = [];

    /// <summary>The current members, in the order they (last) joined.</summary>
    public IReadOnlyList<long> Members => _members;

    public bool IsMember(long userId) => _stays.TryGetValue(userId, out var stay) && stay.Until is null;

    /// <summary>The sequences a user may read (their latest stay), or null if they were never in the group.</summary>
    public Stay? StayOf(long userId) => _stays.TryGetValue(userId, out var stay) ? stay : null;

    /// <summary>Applies a change recorded at <paramref name="sequence"/>; returns the users it let out.</summary>
    public IReadOnlyList<long> Apply(long sequence, GroupChange change)
    {
        foreach (var joining in change.Joining.Where(userId => !IsMember(userId)))
        {
            _stays[joining] = new Stay(sequence, null);
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

    /// <summary>A stay in the group: from the sequence that added the user to the one that removed them (null: still in).</summary>
    public sealed record Stay(long From, long? Until)
    {
        public bool Covers(long sequence) => sequence >= From && (Until is null || sequence <= Until);
    }
}

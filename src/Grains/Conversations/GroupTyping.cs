namespace WhatsApp.Grains.Conversations;

/// <summary>
/// A group's typing indicators, coalesced: each member's "typing" or "stopped" reaches the others at most once per
/// interval, and a change within the interval is held and told when it ends, as the member's latest state (unless that
/// is what the others were told already). So a member's keystrokes cost the group one fan-out every few seconds,
/// however fast a client sends them. Runs on the owning grain's scheduler; the hold is a grain timer.
/// </summary>
internal sealed class GroupTyping(ScheduleRetry scheduleTell, TimeSpan interval, TimeProvider time, Func<long, bool, Task> tellAsync)
{
    private readonly Dictionary<long, MemberTyping> _members = [];

    /// <summary>The member is typing, or stopped: told now, or held until their interval ends.</summary>
    public Task SetAsync(long userId, bool isTyping)
    {
        if (!_members.TryGetValue(userId, out var member))
        {
            _members[userId] = member = new MemberTyping();
        }

        var now = time.GetUtcNow();
        if (member.ToldAt is not { } toldAt || now - toldAt >= interval)
        {
            return TellAsync(userId, member, isTyping, now);
        }

        if (member.Held is null)
        {
            member.Hold = scheduleTell(() => TellHeldAsync(userId, member), toldAt + interval - now);
        }

        member.Held = isTyping;
        return Task.CompletedTask;
    }

    private Task TellHeldAsync(long userId, MemberTyping member)
    {
        member.Hold?.Dispose();
        member.Hold = null;
        var held = member.Held;
        member.Held = null;
        return held is { } isTyping && isTyping != member.Told ? TellAsync(userId, member, isTyping, time.GetUtcNow()) : Task.CompletedTask;
    }

    private Task TellAsync(long userId, MemberTyping member, bool isTyping, DateTimeOffset now)
    {
        member.ToldAt = now;
        member.Told = isTyping;
        return tellAsync(userId, isTyping);
    }

    private sealed class MemberTyping
    {
        public DateTimeOffset? ToldAt { get; set; }

        public bool Told { get; set; }

        public bool? Held { get; set; }

        public IDisposable? Hold { get; set; }
    }
}

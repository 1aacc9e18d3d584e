using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Abstractions.Groups;

/// <summary>
/// One group chat (key: the group id, its own id space; placed on shard(groupId)): its name, its members and which of
/// them are admins. The creator is the first admin; admins add, remove and promote members and rename the group; any
/// member may leave. A caller who is not a member is refused everything, the member list included.
/// </summary>
public interface IGroupGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Creates the group with its creator as admin and the given members (all registered); refuses an id in use. A
    /// member who lets only their contacts add them, and has not written to the creator, is invited instead
    /// (<see cref="GroupView.Invited"/>).
    /// </summary>
    Task<ChatResult<GroupView>> CreateAsync(long creatorId, string name, IReadOnlyList<long> memberIds);

    /// <summary>The group as a member sees it.</summary>
    Task<ChatResult<GroupView>> GetAsync(long callerId);

    /// <summary>
    /// The group's name for a chat-list line, and whether the caller is still in it; null when there is no such group.
    /// Only for groups in the caller's own chat list (they are or were a member): the gateway asks for no other.
    /// </summary>
    Task<GroupSummary?> GetSummaryAsync(long callerId);

    /// <summary>Renames the group (admins only).</summary>
    Task<ChatResult<GroupView>> RenameAsync(long callerId, string name);

    /// <summary>
    /// Adds registered users (admins only), up to <see cref="GroupLimits.MaxMembers"/> members; adding a member again
    /// changes nothing. Whoever lets only their contacts add them (and has not written to the admin), and whoever left
    /// this group by themself, is invited instead; anyone who blocked the admin refuses the whole request.
    /// </summary>
    Task<ChatResult<GroupView>> AddMembersAsync(long callerId, IReadOnlyList<long> userIds);

    /// <summary>
    /// The invited user accepts and joins: refused when no invitation stands for them (none sent, declined, expired) or
    /// the group is full. An answered invitation goes from the user's list too.
    /// </summary>
    Task<ChatResult<GroupView>> AcceptInvitationAsync(long userId);

    /// <summary>The invited user says no: the invitation goes, here and from their list; declining none changes nothing.</summary>
    Task DeclineInvitationAsync(long userId);

    /// <summary>
    /// Removes a member: an admin removes anyone, a member removes themself (leaves). When the last admin leaves, the
    /// longest-standing member becomes admin, so a group is never without one.
    /// </summary>
    Task<ChatResult<GroupView>> RemoveMemberAsync(long callerId, long userId);

    /// <summary>Makes a member an admin (admins only).</summary>
    Task<ChatResult<GroupView>> PromoteAsync(long callerId, long userId);
}

/// <summary>A group as its members see it: members in the order they joined, and the people invited who have not yet answered.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.GroupView")]
public sealed record GroupView(
    [property: Id(0)] long GroupId,
    [property: Id(1)] string Name,
    [property: Id(2)] long CreatedBy,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] IReadOnlyList<GroupMember> Members,
    [property: Id(5)] IReadOnlyList<long> Invited);

/// <summary>A member of a group, whether they are an admin, and when they joined.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.GroupMember")]
public sealed record GroupMember([property: Id(0)] long UserId, [property: Id(1)] bool IsAdmin, [property: Id(2)] DateTimeOffset JoinedAt);

/// <summary>What a chat-list line shows of a group: its name, and whether the user is still a member (or only reads what was).</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.GroupSummary")]
public sealed record GroupSummary([property: Id(0)] long GroupId, [property: Id(1)] string Name, [property: Id(2)] bool IsMember);

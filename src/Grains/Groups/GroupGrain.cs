using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Groups;

/// <summary>
/// Owns one group's membership: who is in it, who administers it, and its name. Calls run one at a time, so every rule
/// (admins only, at most 1,024 members, never without an admin) is checked against the state it changes.
/// </summary>
[GrainType(GrainTypes.Group)]
[ShardPlacement]
public sealed class GroupGrain(
    [PersistentState("group", StorageNames.Chat)] IPersistentState<GroupState> state,
    ShardMap shardMap,
    TimeProvider time) : ShardedGrain(shardMap), IGroupGrain
{
    private long GroupId => this.GetPrimaryKeyLong();

    public async Task<ChatResult<GroupView>> CreateAsync(long creatorId, string name, IReadOnlyList<long> memberIds)
    {
        if (!UserIds.IsValid(GroupId))
        {
            return Refuse(ChatErrorCode.InvalidRequest, $"A group id is a positive number of at most 15 digits, not {GroupId}.");
        }

        if (state.State.Name is not null)
        {
            return Refuse(ChatErrorCode.GroupIdTaken, $"Group {GroupId} exists already.");
        }

        var normalized = GroupLimits.NormalizeName(name);
        if (!normalized.IsSuccess)
        {
            return ChatResult.Fail<GroupView>(normalized.Error);
        }

        var members = memberIds.Prepend(creatorId).Distinct().ToList();
        if (await RefuseNewMembersAsync(members, already: 0) is { } refusal)
        {
            return ChatResult.Fail<GroupView>(refusal);
        }

        var now = time.GetUtcNow();
        state.State = new GroupState
        {
            Name = normalized.Value,
            CreatedBy = creatorId,
            CreatedAt = now,
            Members = [.. members.Select(member => new GroupMember(member, IsAdmin: member == creatorId, now))],
        };
        await WriteStateOrReloadAsync(state);
        return ChatResult.Success(View());
    }

    public Task<ChatResult<GroupView>> GetAsync(long callerId) =>
        Task.FromResult(RefuseUnlessMember(callerId) is { } refusal ? ChatResult.Fail<GroupView>(refusal) : ChatResult.Success(View()));

    public async Task<ChatResult<GroupView>> RenameAsync(long callerId, string name)
    {
        if (RefuseUnlessAdmin(callerId) is { } refusal)
        {
            return ChatResult.Fail<GroupView>(refusal);
        }

        var normalized = GroupLimits.NormalizeName(name);
        if (!normalized.IsSuccess)
        {
            return ChatResult.Fail<GroupView>(normalized.Error);
        }

        state.State.Name = normalized.Value;
        await WriteStateOrReloadAsync(state);
        return ChatResult.Success(View());
    }

    public async Task<ChatResult<GroupView>> AddMembersAsync(long callerId, IReadOnlyList<long> userIds)
    {
        if (RefuseUnlessAdmin(callerId) is { } refusal)
        {
            return ChatResult.Fail<GroupView>(refusal);
        }

        var joining = userIds.Distinct().Where(userId => MemberOf(userId) is null).ToList();
        if (joining.Count == 0)
        {
            return ChatResult.Success(View());
        }

        if (await RefuseNewMembersAsync(joining, already: state.State.Members.Count) is { } invalid)
        {
            return ChatResult.Fail<GroupView>(invalid);
        }

        var now = time.GetUtcNow();
        state.State.Members.AddRange(joining.Select(userId => new GroupMember(userId, IsAdmin: false, now)));
        await WriteStateOrReloadAsync(state);
        return ChatResult.Success(View());
    }

    public async Task<ChatResult<GroupView>> RemoveMemberAsync(long callerId, long userId)
    {
        if ((callerId == userId ? RefuseUnlessMember(callerId) : RefuseUnlessAdmin(callerId)) is { } refusal)
        {
            return ChatResult.Fail<GroupView>(refusal);
        }

        if (MemberOf(userId) is not { } leaving)
        {
            return Refuse(ChatErrorCode.NotParticipant, $"User {userId} is not a member of group {GroupId}.");
        }

        var members = state.State.Members;
        members.Remove(leaving);
        if (members.Count > 0 && !members.Any(member => member.IsAdmin))
        {
            members[0] = members[0] with { IsAdmin = true }; // the longest-standing member
        }

        await WriteStateOrReloadAsync(state);
        return ChatResult.Success(View());
    }

    public async Task<ChatResult<GroupView>> PromoteAsync(long callerId, long userId)
    {
        if (RefuseUnlessAdmin(callerId) is { } refusal)
        {
            return ChatResult.Fail<GroupView>(refusal);
        }

        if (MemberOf(userId) is not { } member)
        {
            return Refuse(ChatErrorCode.NotParticipant, $"User {userId} is not a member of group {GroupId}.");
        }

        if (!member.IsAdmin)
        {
            var members = state.State.Members;
            members[members.IndexOf(member)] = member with { IsAdmin = true };
            await WriteStateOrReloadAsync(state);
        }

        return ChatResult.Success(View());
    }

    /// <summary>Why these users cannot join a group of <paramref name="already"/> members: an invalid or unregistered id, or too many.</summary>
    private async Task<ChatError?> RefuseNewMembersAsync(List<long> joining, int already)
    {
        if (joining.Where(userId => !UserIds.IsValid(userId)).Select(userId => (long?)userId).FirstOrDefault() is { } invalid)
        {
            return new ChatError(ChatErrorCode.InvalidUserId, $"A user id is a positive number of at most 15 digits, not {invalid}.");
        }

        if (already + joining.Count > GroupLimits.MaxMembers)
        {
            return new ChatError(ChatErrorCode.GroupFull, $"A group has at most {GroupLimits.MaxMembers} members; this would make {already + joining.Count}.");
        }

        var profiles = await Task.WhenAll(joining.Select(userId => GrainFactory.GetGrain<IUserGrain>(userId).GetProfileAsync()));
        var unregistered = joining.Where((_, i) => profiles[i] is null).ToList();
        return unregistered.Count == 0
            ? null
            : new ChatError(ChatErrorCode.UnknownUser, $"Not registered: {string.Join(", ", unregistered)}.");
    }

    private ChatError? RefuseUnlessMember(long userId) =>
        state.State.Name is null ? new ChatError(ChatErrorCode.UnknownGroup, $"There is no group {GroupId}.")
        : MemberOf(userId) is null ? new ChatError(ChatErrorCode.NotParticipant, $"User {userId} is not a member of group {GroupId}.")
        : null;

    private ChatError? RefuseUnlessAdmin(long userId) =>
        RefuseUnlessMember(userId) ?? (MemberOf(userId)!.IsAdmin ? null : new ChatError(ChatErrorCode.NotGroupAdmin, $"Only an admin of group {GroupId} may do that."));

    private GroupMember? MemberOf(long userId) => state.State.Members.Find(member => member.UserId == userId);

    private GroupView View() => new(GroupId, state.State.Name!, state.State.CreatedBy, state.State.CreatedAt, [.. state.State.Members]);

    private static ChatResult<GroupView> Refuse(ChatErrorCode code, string detail) => ChatResult.Fail<GroupView>(code, detail);
}

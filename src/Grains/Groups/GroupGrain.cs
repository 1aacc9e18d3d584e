using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Users;

namespace WhatsApp.Grains.Groups;

/// <summary>
/// Owns one group's membership: who is in it, who administers it, its name, and whom it invited. Calls run one at a time, so every rule
/// (admins only, at most 1,024 members, never without an admin) is checked against the state it changes. Each change
/// is saved here first, then recorded in the group's conversation, where it decides who may read and send from which
/// message on; a change the conversation could not take yet is retried until it has, and no other change starts before.
/// </summary>
[GrainType(GrainTypes.Group)]
[ShardPlacement]
public sealed partial class GroupGrain(
    [PersistentState("group", StorageNames.Chat)] IPersistentState<GroupState> state,
    RegisteredUsers registeredUsers,
    ShardMap shardMap,
    IOptions<ChatOptions> chatOptions,
    TimeProvider time,
    ILogger<GroupGrain> logger) : ShardedGrain(shardMap), IGroupGrain
{
    private IGrainTimer? _recordRetry;

    private long GroupId => this.GetPrimaryKeyLong();

    private IConversationGrain Conversation => GrainFactory.GetGrain<IConversationGrain>(ConversationId.Group(GroupId).ToString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (state.State.UnrecordedChange is not null)
        {
            await TryRecordChangeAsync();
        }
    }

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

        var sorted = await SortNewMembersAsync([.. memberIds.Prepend(creatorId).Distinct()], already: 0, addedBy: creatorId);
        if (!sorted.IsSuccess)
        {
            return ChatResult.Fail<GroupView>(sorted.Error);
        }

        // Counted last, so a refused creation costs nothing of the creator's day.
        var dailyCap = chatOptions.Value.MaxGroupsCreatedPerDay;
        if (!await GrainFactory.GetGrain<IUserGrain>(creatorId).TryCountGroupCreationAsync(dailyCap))
        {
            return Refuse(ChatErrorCode.TooManyGroupsToday, $"You have created {dailyCap} groups today, the most one user may in a day; try again tomorrow (UTC).");
        }

        var (members, invited) = sorted.Value;
        var now = time.GetUtcNow();
        state.State = new GroupState
        {
            Name = normalized.Value,
            CreatedBy = creatorId,
            CreatedAt = now,
            Members = [.. members.Select(member => new GroupMember(member, IsAdmin: member == creatorId, now))],
        };
        KeepInvitations(invited, creatorId);
        await SaveAsync(new GroupChange(GroupChangeKind.Created, creatorId, members, normalized.Value));
        await OfferInvitationsAsync(invited, creatorId);
        return ChatResult.Success(View());
    }

    public Task<ChatResult<GroupView>> GetAsync(long callerId) =>
        Task.FromResult(RefuseUnlessMember(callerId) is { } refusal ? ChatResult.Fail<GroupView>(refusal) : ChatResult.Success(View()));

    public Task<GroupSummary?> GetSummaryAsync(long callerId) =>
        Task.FromResult(state.State.Name is { } name ? new GroupSummary(GroupId, name, IsMember: MemberOf(callerId) is not null) : null);

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

        await RecordEarlierChangeAsync();
        state.State.Name = normalized.Value;
        return await SaveAsync(new GroupChange(GroupChangeKind.Renamed, callerId, [], normalized.Value));
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

        var sorted = await SortNewMembersAsync(joining, already: state.State.Members.Count, addedBy: callerId);
        if (!sorted.IsSuccess)
        {
            return ChatResult.Fail<GroupView>(sorted.Error);
        }

        var (added, invited) = sorted.Value;
        await RecordEarlierChangeAsync();
        var now = time.GetUtcNow();
        state.State.Members.AddRange(added.Select(userId => new GroupMember(userId, IsAdmin: false, now)));
        state.State.Invitations.RemoveAll(invitation => added.Contains(invitation.UserId));
        KeepInvitations(invited, callerId);
        if (added.Count > 0)
        {
            await SaveAsync(new GroupChange(GroupChangeKind.Added, callerId, added, null));
        }
        else
        {
            await WriteStateOrReloadAsync(state);
        }

        await OfferInvitationsAsync(invited, callerId);
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

        await RecordEarlierChangeAsync();
        var members = state.State.Members;
        members.Remove(leaving);
        if (members.Count > 0 && !members.Any(member => member.IsAdmin))
        {
            members[0] = members[0] with { IsAdmin = true }; // the longest-standing member
        }

        if (callerId == userId)
        {
            RememberLeaver(userId);
        }

        var kind = callerId == userId ? GroupChangeKind.Left : GroupChangeKind.Removed;
        return await SaveAsync(new GroupChange(kind, callerId, [userId], null));
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

    /// <summary>
    /// Saves the state with its change as the one to record, then records it in the conversation. The change stands once
    /// saved: if the conversation cannot take it now (its database is down), the answer is still the changed group, and
    /// the change is recorded on a timer (or at the next activation) before any other.
    /// </summary>
    private async Task<ChatResult<GroupView>> SaveAsync(GroupChange change)
    {
        state.State.Version++;
        state.State.UnrecordedChange = change;
        await WriteStateOrReloadAsync(state);
        await TryRecordChangeAsync();
        return ChatResult.Success(View());
    }

    /// <summary>Changes are recorded in the order they were made: a newer one waits until the one before is in the history.</summary>
    private async Task RecordEarlierChangeAsync()
    {
        if (state.State.UnrecordedChange is not null && !await TryRecordChangeAsync())
        {
            throw new StorageUnavailableException($"Group {GroupId} cannot change until its previous change is in its history; try again shortly.");
        }
    }

    private async Task<bool> TryRecordChangeAsync()
    {
        if (state.State.UnrecordedChange is not { } change)
        {
            return true;
        }

        try
        {
            var changeId = string.Create(CultureInfo.InvariantCulture, $"{MessageLimits.GroupChangeIdPrefix}{state.State.Version}");
            var recorded = await Conversation.RecordGroupChangeAsync(change, changeId);
            if (!recorded.IsSuccess)
            {
                throw new InvalidOperationException(recorded.Error.Detail);
            }

            state.State.UnrecordedChange = null;
            await WriteStateOrReloadAsync(state);
            _recordRetry?.Dispose();
            _recordRetry = null;
            return true;
        }
        catch (Exception exception)
        {
            // Recording again is exact (the change's id dedupes it), so whatever happened above is safe to retry.
            state.State.UnrecordedChange = change;
            LogChangeNotRecorded(exception, GroupId, state.State.Version);
            _recordRetry ??= this.RegisterGrainTimer(RetryRecordAsync, new GrainTimerCreationOptions(chatOptions.Value.NotificationRetryInterval, chatOptions.Value.NotificationRetryInterval) { KeepAlive = true });
            return false;
        }
    }

    private Task RetryRecordAsync(CancellationToken cancellationToken) => TryRecordChangeAsync();

    /// <summary>A group id nobody created: this activation was made for nothing, so it goes as soon as the call ends.</summary>
    private ChatError NoSuchGroup()
    {
        this.DeactivateOnIdle();
        return new ChatError(ChatErrorCode.UnknownGroup, $"There is no group {GroupId}.");
    }

    private ChatError? RefuseUnlessMember(long userId) =>
        state.State.Name is null ? NoSuchGroup()
        : MemberOf(userId) is null ? new ChatError(ChatErrorCode.NotParticipant, $"User {userId} is not a member of group {GroupId}.")
        : null;

    private ChatError? RefuseUnlessAdmin(long userId) =>
        RefuseUnlessMember(userId) ?? (MemberOf(userId)!.IsAdmin ? null : new ChatError(ChatErrorCode.NotGroupAdmin, $"Only an admin of group {GroupId} may do that."));

    private GroupMember? MemberOf(long userId) => state.State.Members.Find(member => member.UserId == userId);

    private GroupView View() => new(GroupId, state.State.Name!, state.State.CreatedBy, state.State.CreatedAt, [.. state.State.Members], [.. StandingInvitations().Select(invitation => invitation.UserId)]);

    private static ChatResult<GroupView> Refuse(ChatErrorCode code, string detail) => ChatResult.Fail<GroupView>(code, detail);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Change {Version} of group {GroupId} is saved but not yet in its history; retrying")]
    private partial void LogChangeNotRecorded(Exception exception, long groupId, long version);
}

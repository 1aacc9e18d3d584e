using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Groups;

/// <summary>
/// Who joins at once and who is invited: people choose who may put them into a group, and someone who left by themself
/// comes back only by accepting. The group keeps the invitations it sent and decides every join; the invited user's
/// grain keeps a copy, so any of their devices lists them.
/// </summary>
public sealed partial class GroupGrain
{
    public async Task<ChatResult<GroupView>> AcceptInvitationAsync(long userId)
    {
        if (state.State.Name is null)
        {
            await ForgetAtUserAsync(userId);
            return ChatResult.Fail<GroupView>(NoSuchGroup());
        }

        if (MemberOf(userId) is not null)
        {
            await DropInvitationAsync(userId);
            return ChatResult.Success(View());
        }

        if (StandingInvitations().All(invitation => invitation.UserId != userId))
        {
            await DropInvitationAsync(userId);
            return Refuse(ChatErrorCode.NoInvitation, $"No invitation to group {GroupId} stands for you: it was declined, withdrawn or has expired.");
        }

        if (state.State.Members.Count >= GroupLimits.MaxMembers)
        {
            return Refuse(ChatErrorCode.GroupFull, $"Group {GroupId} has {GroupLimits.MaxMembers} members, the most a group has; the invitation stands until it expires.");
        }

        await RecordEarlierChangeAsync();
        state.State.Invitations.RemoveAll(invitation => invitation.UserId == userId);
        state.State.RecentLeavers.Remove(userId);
        state.State.Members.Add(new GroupMember(userId, IsAdmin: false, time.GetUtcNow()));
        var joined = await SaveAsync(new GroupChange(GroupChangeKind.Joined, userId, [userId], null));
        try
        {
            await ForgetAtUserAsync(userId);
        }
        catch (Exception exception)
        {
            // The join stands; the copy in the user's list goes when they accept it again (answered as a member).
            LogInvitationNotForgotten(exception, GroupId, userId);
        }

        return joined;
    }

    public Task DeclineInvitationAsync(long userId) => DropInvitationAsync(userId);

    /// <summary>
    /// Sorts the users joining a group of <paramref name="already"/> members into those added now and those invited, or
    /// says why none may join: an invalid or unregistered id, too many, or someone who blocked the one adding them.
    /// </summary>
    private async Task<ChatResult<NewMembers>> SortNewMembersAsync(List<long> joining, int already, long addedBy)
    {
        if (joining.Where(userId => !UserIds.IsValid(userId)).Select(userId => (long?)userId).FirstOrDefault() is { } invalid)
        {
            return ChatResult.Fail<NewMembers>(ChatErrorCode.InvalidUserId, $"A user id is a positive number of at most 15 digits, not {invalid}.");
        }

        if (already + joining.Count > GroupLimits.MaxMembers + GroupLimits.MaxPendingInvitations)
        {
            return ChatResult.Fail<NewMembers>(ChatErrorCode.GroupFull, $"A group has at most {GroupLimits.MaxMembers} members and {GroupLimits.MaxPendingInvitations} unanswered invitations.");
        }

        var unregistered = await registeredUsers.UnregisteredAmongAsync(joining);
        if (unregistered.Count > 0)
        {
            return ChatResult.Fail<NewMembers>(ChatErrorCode.UnknownUser, $"Not registered: {string.Join(", ", unregistered)}.");
        }

        var others = joining.Where(userId => userId != addedBy).ToList();
        var answers = await Task.WhenAll(others.Select(userId => GrainFactory.GetGrain<IUserGrain>(userId).AnswerGroupAddAsync(addedBy)));
        var refusing = others.Where((_, index) => answers[index] == GroupAddAnswer.Blocked).ToList();
        if (refusing.Count > 0)
        {
            return ChatResult.Fail<NewMembers>(ChatErrorCode.Blocked, $"These users do not accept being added by you: {string.Join(", ", refusing)}.");
        }

        var invited = others.Where((userId, index) => answers[index] == GroupAddAnswer.InvitationNeeded || state.State.RecentLeavers.Contains(userId)).ToList();
        var added = joining.Except(invited).ToList();
        if (already + added.Count > GroupLimits.MaxMembers)
        {
            return ChatResult.Fail<NewMembers>(ChatErrorCode.GroupFull, $"A group has at most {GroupLimits.MaxMembers} members; this would make {already + added.Count}.");
        }

        var pending = StandingInvitations().Select(invitation => invitation.UserId).Union(invited).Count();
        return pending > GroupLimits.MaxPendingInvitations
            ? ChatResult.Fail<NewMembers>(ChatErrorCode.GroupFull, $"A group holds at most {GroupLimits.MaxPendingInvitations} unanswered invitations; this would make {pending}.")
            : ChatResult.Success(new NewMembers(added, invited));
    }

    /// <summary>Records invitations in the state (saved with the change that follows); inviting someone again renews theirs.</summary>
    private void KeepInvitations(List<long> invited, long invitedBy)
    {
        var now = time.GetUtcNow();
        state.State.Invitations.RemoveAll(invitation => invitation.ExpiresAt <= now || invited.Contains(invitation.UserId));
        state.State.Invitations.AddRange(invited.Select(userId => new PendingInvitation(userId, invitedBy, now + GroupLimits.InvitationLifetime)));
    }

    /// <summary>
    /// Tells the invited users, once the invitations are saved. One who is not told now (their silo is away) still
    /// holds a standing invitation here: an admin naming them again tells them again.
    /// </summary>
    private async Task OfferInvitationsAsync(List<long> invited, long invitedBy)
    {
        var expiresAt = state.State.Invitations.Where(invitation => invited.Contains(invitation.UserId)).Select(invitation => invitation.ExpiresAt).FirstOrDefault();
        var offer = new GroupInvitation(GroupId, state.State.Name!, invitedBy, expiresAt);
        await Task.WhenAll(invited.Select(async userId =>
        {
            try
            {
                await GrainFactory.GetGrain<IUserGrain>(userId).OfferGroupInvitationAsync(offer);
            }
            catch (Exception exception)
            {
                LogInvitationNotOffered(exception, GroupId, userId);
            }
        }));
    }

    private IEnumerable<PendingInvitation> StandingInvitations()
    {
        var now = time.GetUtcNow();
        return state.State.Invitations.Where(invitation => invitation.ExpiresAt > now);
    }

    private void RememberLeaver(long userId)
    {
        var leavers = state.State.RecentLeavers;
        leavers.Remove(userId);
        leavers.Add(userId);
        if (leavers.Count > GroupLimits.MaxRememberedLeavers)
        {
            leavers.RemoveAt(0);
        }
    }

    private async Task DropInvitationAsync(long userId)
    {
        if (state.State.Invitations.RemoveAll(invitation => invitation.UserId == userId) > 0)
        {
            await WriteStateOrReloadAsync(state);
        }

        await ForgetAtUserAsync(userId);
    }

    private Task ForgetAtUserAsync(long userId) => GrainFactory.GetGrain<IUserGrain>(userId).ForgetGroupInvitationAsync(GroupId);

    private sealed record NewMembers(List<long> Added, List<long> Invited);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Group {GroupId} could not tell user {UserId} of their invitation; it stands in the group")]
    private partial void LogInvitationNotOffered(Exception exception, long groupId, long userId);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "User {UserId} joined group {GroupId}, whose invitation is still in their list")]
    private partial void LogInvitationNotForgotten(Exception exception, long groupId, long userId);
}

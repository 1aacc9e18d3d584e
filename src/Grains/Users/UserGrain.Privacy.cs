using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Conversations;

namespace WhatsApp.Grains.Users;

/// <summary>
/// Who reaches the user: the users they blocked (kept here and in the direct conversation with each, where a send is
/// refused), who sees their presence (their contacts, the people they have written to; everyone; or nobody), and who
/// may put them into a group without asking (everyone, or their contacts).
/// </summary>
public sealed partial class UserGrain
{
    // People this user has written to (their contacts, who may see their presence). Only found ones are kept: a message
    // once written never goes away, while someone not found may be written to a moment later.
    private readonly HashSet<long> _contacts = [];

    public async Task<ChatResult> BlockAsync(long userId)
    {
        if (!UserIds.IsValid(userId) || userId == UserId)
        {
            return ChatResult.Fail(ChatErrorCode.InvalidUserId, $"userId must be 1 to {UserIds.MaxValue}, and not your own.");
        }

        if (state.State.Blocked.Count >= UserLimits.MaxBlocked && !state.State.Blocked.Contains(userId))
        {
            return ChatResult.Fail(ChatErrorCode.InvalidRequest, $"You can block at most {UserLimits.MaxBlocked} users; unblock someone first.");
        }

        return await SetBlockedAsync(userId, blocked: true);
    }

    public Task<ChatResult> UnblockAsync(long userId) =>
        UserIds.IsValid(userId)
            ? SetBlockedAsync(userId, blocked: false)
            : Task.FromResult(ChatResult.Fail(ChatErrorCode.InvalidUserId, $"userId must be 1 to {UserIds.MaxValue}."));

    public Task<IReadOnlyList<long>> GetBlockedAsync() => Task.FromResult<IReadOnlyList<long>>([.. state.State.Blocked.Order()]);

    public async Task<GroupAddAnswer> AnswerGroupAddAsync(long adderId) =>
        state.State.Blocked.Contains(adderId) ? GroupAddAnswer.Blocked
        : state.State.WhoMayAddToGroups == WhoMayAddToGroups.Everyone || await HasWrittenToAsync(adderId) ? GroupAddAnswer.Accepted
        : GroupAddAnswer.InvitationNeeded;

    public Task<WhoMayAddToGroups> GetWhoMayAddToGroupsAsync() => Task.FromResult(state.State.WhoMayAddToGroups);

    public async Task SetWhoMayAddToGroupsAsync(WhoMayAddToGroups setting)
    {
        if (state.State.WhoMayAddToGroups != setting)
        {
            state.State.WhoMayAddToGroups = setting;
            await WriteStateOrReloadAsync(state);
        }
    }

    public Task<PresenceVisibility> GetPresenceVisibilityAsync() => Task.FromResult(state.State.PresenceVisibility);

    public async Task SetPresenceVisibilityAsync(PresenceVisibility visibility)
    {
        if (state.State.PresenceVisibility == visibility)
        {
            return;
        }

        state.State.PresenceVisibility = visibility;
        await WriteStateOrReloadAsync(state);
        await (visibility == PresenceVisibility.Nobody ? TellContactsAsync(PresenceEvent.HiddenFrom(UserId)) : AnnouncePresenceAsync());
    }

    /// <summary>
    /// Records the block in this user's state, then in the direct conversation with them, which is where a send from
    /// them is refused. Both are idempotent: a failure between the two is mended by repeating the request.
    /// </summary>
    private async Task<ChatResult> SetBlockedAsync(long userId, bool blocked)
    {
        if (blocked ? state.State.Blocked.Add(userId) : state.State.Blocked.Remove(userId))
        {
            await WriteStateOrReloadAsync(state);
            if (blocked)
            {
                // One-way, as every presence event: the blocked one's pages forget what they were shown of it.
                _ = GrainFactory.GetGrain<IUserGrain>(userId).OnContactPresenceAsync(PresenceEvent.HiddenFrom(UserId));
            }
        }

        await GrainFactory.GetGrain<IConversationBlocks>(ConversationId.Direct(UserId, userId).ToString()).SetBlockedAsync(UserId, blocked);
        return ChatResult.Ok;
    }

    /// <summary>Whether the viewer may see this user's presence: never when blocked, then as the user's setting says.</summary>
    private async Task<bool> ShowsPresenceToAsync(long viewerId) =>
        viewerId == UserId
        || (!state.State.Blocked.Contains(viewerId) && state.State.PresenceVisibility switch
        {
            PresenceVisibility.Everyone => true,
            PresenceVisibility.Nobody => false,
            _ => await HasWrittenToAsync(viewerId),
        });

    private async Task<bool> HasWrittenToAsync(long viewerId)
    {
        if (_contacts.Contains(viewerId))
        {
            return true;
        }

        if (!UserIds.IsValid(viewerId) || !await chatLists.HasWrittenInAsync(UserId, ConversationId.Direct(UserId, viewerId).ToString()))
        {
            return false;
        }

        _contacts.Add(viewerId);
        return true;
    }
}

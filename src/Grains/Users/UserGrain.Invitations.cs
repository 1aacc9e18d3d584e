using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>
/// The user's invitations to groups, kept here so any of their devices lists them. The group keeps its own record of
/// whom it invited and decides the join; this list follows it.
/// </summary>
public sealed partial class UserGrain
{
    public async Task OfferGroupInvitationAsync(GroupInvitation invitation)
    {
        var invitations = state.State.GroupInvitations;
        invitations.RemoveAll(kept => kept.GroupId == invitation.GroupId || kept.ExpiresAt <= time.GetUtcNow());
        invitations.Add(invitation);
        if (invitations.Count > UserLimits.MaxGroupInvitations)
        {
            invitations.RemoveAt(0);
        }

        await WriteStateOrReloadAsync(state);
        await PushAsync(new GroupInvitationPush(UserId, invitation));
    }

    public Task<IReadOnlyList<GroupInvitation>> GetGroupInvitationsAsync()
    {
        var now = time.GetUtcNow();
        return Task.FromResult<IReadOnlyList<GroupInvitation>>([.. state.State.GroupInvitations.Where(invitation => invitation.ExpiresAt > now).Reverse()]);
    }

    public async Task ForgetGroupInvitationAsync(long groupId)
    {
        if (state.State.GroupInvitations.RemoveAll(invitation => invitation.GroupId == groupId) > 0)
        {
            await WriteStateOrReloadAsync(state);
        }
    }
}

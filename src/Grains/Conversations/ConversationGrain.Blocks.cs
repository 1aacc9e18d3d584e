using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// A direct conversation keeps which participant blocked the other, told by the blocker's user grain, so a send or a
/// typing event from the blocked one is refused here, with no call to anyone. The history stays: blocking hides no
/// message and deletes none.
/// </summary>
public sealed partial class ConversationGrain
{
    public async Task SetBlockedAsync(long blockerId, bool blocked)
    {
        if (_id is not { IsGroup: false } id || !id.Includes(blockerId))
        {
            return;
        }

        if (blocked ? state.State.BlockedBy.Add(blockerId) : state.State.BlockedBy.Remove(blockerId))
        {
            await WriteStateOrReloadAsync(state);
        }
    }

    /// <summary>Refuses a participant of a direct conversation whom the other participant blocked.</summary>
    private ChatError? RefuseIfBlocked(long userId) =>
        _timeline is null && _id is { } id && state.State.BlockedBy.Contains(id.PeerOf(userId))
            ? new ChatError(ChatErrorCode.Blocked, "You cannot message this user.")
            : null;
}

using Orleans.Concurrency;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>
/// One user (key: the user id): credentials, profile, chat list (read from its rows), presence and the gateways holding their connections.
/// It is the single place that pushes events to the user's devices.
/// </summary>
public interface IUserGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Creates the account with a password hash the gateway derived; refuses a taken id or invalid data without changing
    /// anything. Answers what a login would, so the gateway can sign the new user in.
    /// </summary>
    Task<ChatResult<UserCredentials>> RegisterAsync(string displayName, PasswordHash password);

    /// <summary>
    /// The stored password hash and token version, or null when nobody registered this id. The caller checks the password:
    /// a hash takes a fifth of a second on purpose, and on this grain's turn it would hold up the user's own sends.
    /// </summary>
    [AlwaysInterleave]
    Task<UserCredentials?> GetCredentialsAsync();

    /// <summary>Replaces the stored hash with a costlier one of the same password, unless it changed since the caller read it; says whether it did.</summary>
    Task<bool> UpgradePasswordHashAsync(PasswordHash verified, PasswordHash upgraded);

    /// <summary>The version every valid token of this user carries; tokens with another one were signed out.</summary>
    [AlwaysInterleave]
    Task<int> GetTokenVersionAsync();

    /// <summary>
    /// Signs the user out everywhere: bumps the token version, so every token issued so far stops working, and tells every
    /// gateway (their caches of token versions, and the connections opened with older tokens); returns the new version.
    /// </summary>
    Task<int> RevokeTokensAsync();

    /// <summary>
    /// Blocks another user: they can no longer message this user, see their presence, or add them to groups; the chat
    /// with them stays. Blocking someone blocked already changes nothing.
    /// </summary>
    Task<ChatResult> BlockAsync(long userId);

    /// <summary>Lets a blocked user reach this user again; unblocking someone not blocked changes nothing.</summary>
    Task<ChatResult> UnblockAsync(long userId);

    /// <summary>The users this user blocked, ascending.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<long>> GetBlockedAsync();

    /// <summary>
    /// What this user says to being put into a group by that one: refused when they blocked them, an invitation when
    /// they let only their contacts add them and never wrote to them, else yes.
    /// </summary>
    [AlwaysInterleave]
    Task<GroupAddAnswer> AnswerGroupAddAsync(long adderId);

    /// <summary>Who may put this user straight into a group.</summary>
    [AlwaysInterleave]
    Task<WhoMayAddToGroups> GetWhoMayAddToGroupsAsync();

    /// <summary>Changes who may put this user straight into a group; the others invite them.</summary>
    Task SetWhoMayAddToGroupsAsync(WhoMayAddToGroups setting);

    /// <summary>
    /// Keeps an invitation a group sent (one per group, the newest standing) and tells the user's devices; the oldest
    /// goes beyond <see cref="UserLimits.MaxGroupInvitations"/>.
    /// </summary>
    Task OfferGroupInvitationAsync(GroupInvitation invitation);

    /// <summary>The invitations that still stand, newest first.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<GroupInvitation>> GetGroupInvitationsAsync();

    /// <summary>Drops the invitation of that group, once the user answered it (the group, which decides the join, asks this).</summary>
    Task ForgetGroupInvitationAsync(long groupId);

    /// <summary>
    /// Whom this user's most recent chats (at most <see cref="UserLimits.SearchedChats"/>) are with: the other one of
    /// each direct chat, and the groups. A search by name looks among them and the groups' members.
    /// </summary>
    [AlwaysInterleave]
    Task<RecentChats> GetRecentChatsAsync();

    /// <summary>Who sees this user's online status and last seen.</summary>
    [AlwaysInterleave]
    Task<PresenceVisibility> GetPresenceVisibilityAsync();

    /// <summary>Changes who sees this user's presence; the people who no longer may are told to forget it at once.</summary>
    Task SetPresenceVisibilityAsync(PresenceVisibility visibility);

    /// <summary>
    /// Counts a group this user is creating against their daily cap: false, and nothing counted, when today's are used
    /// up (the day is UTC's).
    /// </summary>
    Task<bool> TryCountGroupCreationAsync(int dailyCap);

    /// <summary>The whole profile, presence included, or null when nobody registered this id (for the cluster's own use and the user's contacts).</summary>
    [AlwaysInterleave]
    Task<UserProfile?> GetProfileAsync();

    /// <summary>
    /// The profile as another user may see it: with presence only when the viewer is the user or shares a conversation
    /// with them; null when nobody registered this id.
    /// </summary>
    [AlwaysInterleave]
    Task<UserProfile?> GetProfileSeenByAsync(long viewerId);

    /// <summary>One page of the chat list, newest conversation first: up to limit lines older than the cursor (a previous page's NextCursor).</summary>
    [AlwaysInterleave]
    Task<ChatResult<ChatListPage>> GetChatListAsync(string? before, int limit);

    /// <summary>Pushes new messages of one of the user's conversations (stored already, chat list included) to their devices.</summary>
    Task OnMessagesAsync(IReadOnlyList<ChatMessage> messages);

    /// <summary>Pushes a message as it stands after an edit, a delete or a reaction to the user's devices.</summary>
    Task OnMessageChangedAsync(ChatMessage message);

    /// <summary>Pushes a receipt to the user's devices.</summary>
    Task OnReceiptAsync(Receipt receipt);

    /// <summary>Pushes a typing signal to the user's devices.</summary>
    [OneWay]
    Task OnTypingAsync(TypingEvent typing);

    /// <summary>Pushes a contact's presence change to the user's devices.</summary>
    [OneWay]
    Task OnContactPresenceAsync(PresenceEvent presence);

    /// <summary>Adds or renews a gateway holding some of the user's connections; the first one brings the user online.</summary>
    Task SubscribeAsync(IGatewayObserver gateway);

    /// <summary>Removes a gateway (its last connection of the user closed); when none is left the user goes offline and last seen is recorded.</summary>
    Task UnsubscribeAsync(IGatewayObserver gateway);
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Conversations;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Realtime;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Users;

/// <summary>
/// One user: account, presence and the gateways holding their connections; the single place that pushes events to
/// the user's devices. The chat list is not in this grain's state: conversations write its rows with every send, so a
/// send writes nothing here, and the list is read a page at a time.
/// </summary>
[GrainType(GrainTypes.User)]
[ShardPlacement]
public sealed partial class UserGrain(
    [PersistentState("user", StorageNames.Chat)] IPersistentState<UserState> state,
    ChatListStore chatLists,
    UserDirectoryStore directory,
    GatewayOutboxes gatewayOutboxes,
    ShardMap shardMap,
    IOptions<ChatOptions> chatOptions,
    TimeProvider time,
    ILogger<UserGrain> logger) : ShardedGrain(shardMap), IUserGrain
{
    // Not persisted beyond the list itself: gateways renew their subscriptions, and one that stops renewing (it died) is
    // forgotten after the expiry, or at the first push after one to it failed, if that comes sooner.
    private readonly GatewayListeners _gateways = new(chatOptions.Value.ObserverExpiry, time);

    private IGrainTimer? _expiryTimer;

    private long UserId => this.GetPrimaryKeyLong();

    private bool IsOnline => _gateways.Count > 0;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (state.State.IsRegistered && !state.State.Listed)
        {
            await TryListInDirectoryAsync();
        }

        // Gateways that held connections before this activation get a full expiry period to renew.
        foreach (var gateway in state.State.Gateways)
        {
            _gateways.Renew(gateway);
        }

        if (IsOnline)
        {
            StartExpiryTimer();
        }
    }

    public async Task<ChatResult<UserCredentials>> RegisterAsync(string displayName, PasswordHash password)
    {
        if (!UserIds.IsValid(UserId))
        {
            return ChatResult.Fail<UserCredentials>(ChatErrorCode.InvalidUserId, $"userId must be 1 to {UserIds.MaxValue}.");
        }

        var name = UserLimits.NormalizeDisplayName(displayName);
        if (!name.IsSuccess)
        {
            return ChatResult.Fail<UserCredentials>(name.Error);
        }

        if (password is null)
        {
            return ChatResult.Fail<UserCredentials>(ChatErrorCode.InvalidPassword, "A password hash is required.");
        }

        if (state.State.IsRegistered)
        {
            return ChatResult.Fail<UserCredentials>(ChatErrorCode.UserAlreadyRegistered, $"User {UserId} is already registered.");
        }

        state.State.DisplayName = name.Value;
        state.State.Password = password;
        await WriteStateOrReloadAsync(state);
        await TryListInDirectoryAsync();
        return ChatResult.Success(Credentials(password));
    }

    public Task<UserCredentials?> GetCredentialsAsync() =>
        Task.FromResult(state.State.Password is { } password ? Credentials(password) : NobodyHere<UserCredentials>());

    public async Task<bool> UpgradePasswordHashAsync(PasswordHash verified, PasswordHash upgraded)
    {
        // Only the hash the caller checked may be replaced: the caller proved the password against it, not against any other.
        if (state.State.Password is not { } current || !current.SameAs(verified) || upgraded is null)
        {
            return false;
        }

        state.State.Password = upgraded;
        await WriteStateOrReloadAsync(state);
        return true;
    }

    public Task<int> GetTokenVersionAsync() => Task.FromResult(state.State.TokenVersion);

    public async Task<int> RevokeTokensAsync()
    {
        state.State.TokenVersion++;
        await WriteStateOrReloadAsync(state);
        try
        {
            // Every gateway caches token versions, not only those holding this user's connections.
            await GrainFactory.GetGrain<IGatewayRegistryGrain>(0).BroadcastAsync(new SignedOutPush(UserId, state.State.TokenVersion));
        }
        catch (Exception exception)
        {
            // Signed out all the same: gateways not told stop accepting the old tokens when their cached version expires.
            LogSignOutNotBroadcast(exception, UserId);
        }

        return state.State.TokenVersion;
    }

    public async Task<bool> TryCountGroupCreationAsync(int dailyCap)
    {
        var today = time.GetUtcNow().UtcDateTime.Date;
        if (state.State.GroupCreationDay != today)
        {
            state.State.GroupCreationDay = today;
            state.State.GroupsCreatedThatDay = 0;
        }

        if (state.State.GroupsCreatedThatDay >= dailyCap)
        {
            return false;
        }

        state.State.GroupsCreatedThatDay++;
        await WriteStateOrReloadAsync(state);
        return true;
    }

    public Task<UserProfile?> GetProfileAsync() => Task.FromResult(state.State.IsRegistered ? Profile() : NobodyHere<UserProfile>());

    public async Task<UserProfile?> GetProfileSeenByAsync(long viewerId)
    {
        if (!state.State.IsRegistered)
        {
            return NobodyHere<UserProfile>();
        }

        // Presence is read before the lookup, so what is returned is what the viewer was entitled to at that moment.
        var profile = Profile();
        return await ShowsPresenceToAsync(viewerId) ? profile : profile.WithoutPresence();
    }

    public async Task<ChatResult<ChatListPage>> GetChatListAsync(string? before, int limit)
    {
        if (limit is < 1 or > MessageLimits.MaxPageSize)
        {
            return ChatResult.Fail<ChatListPage>(ChatErrorCode.InvalidPaging, $"limit must be 1 to {MessageLimits.MaxPageSize}.");
        }

        ChatListCursor? cursor = null;
        if (before is not null && !ChatListCursor.TryParse(before, out cursor))
        {
            return ChatResult.Fail<ChatListPage>(ChatErrorCode.InvalidPaging, "before must be the nextCursor of a previous page.");
        }

        var (lines, hasMore) = await chatLists.ReadPageAsync(UserId, cursor, limit);
        var entries = lines.Select(ToInboxEntry).ToList();
        var next = hasMore ? new ChatListCursor(lines[^1].LastMessage.CreatedAt, lines[^1].ConversationId).ToString() : null;
        return ChatResult.Success(new ChatListPage(entries, next));
    }

    public Task OnMessagesAsync(IReadOnlyList<ChatMessage> messages) => PushAsync(new NewMessagesPush(UserId, messages));

    public Task OnMessageChangedAsync(ChatMessage message) => PushAsync(new ChangedMessagePush(UserId, message));

    public Task OnReceiptAsync(Receipt receipt) => PushAsync(new ReceiptPush(UserId, receipt));

    public Task OnTypingAsync(TypingEvent typing) => PushAsync(new TypingPush(UserId, typing));

    public Task OnContactPresenceAsync(PresenceEvent presence) => PushAsync(new PresencePush(UserId, presence));

    public async Task SubscribeAsync(IGatewayObserver gateway)
    {
        _gateways.RemoveExpired();
        var wasOnline = IsOnline;
        _gateways.Renew(gateway);
        gatewayOutboxes.Renewed(gateway);
        await SaveGatewaysIfChangedAsync();
        if (!wasOnline)
        {
            StartExpiryTimer();
            await AnnouncePresenceAsync();
        }
    }

    public async Task UnsubscribeAsync(IGatewayObserver gateway)
    {
        _gateways.Remove(gateway);
        await ForgetGatewaysAsync();
    }

    /// <summary>
    /// Hands the push to the silo's outbox of each gateway holding the user's devices: the grain never waits for a
    /// gateway. A gateway whose last push failed is dropped here (it comes back when it renews).
    /// </summary>
    private async Task PushAsync(DevicePush push)
    {
        List<IGatewayObserver>? unreachable = null;
        foreach (var gateway in _gateways.All)
        {
            if (!gatewayOutboxes.TryPost(gateway, push))
            {
                (unreachable ??= []).Add(gateway);
            }
        }

        if (unreachable is null)
        {
            return;
        }

        foreach (var gateway in unreachable)
        {
            _gateways.Remove(gateway);
            LogGatewayDropped(UserId, gateway);
        }

        try
        {
            await ForgetGatewaysAsync();
        }
        catch (Exception exception)
        {
            // The gateway is gone from memory either way; the saved list is corrected at the next change.
            LogForgetFailed(exception, UserId);
        }
    }

    private Task ForgetExpiredGatewaysAsync(CancellationToken cancellationToken)
    {
        _gateways.RemoveExpired();
        return ForgetGatewaysAsync();
    }

    /// <summary>After gateways left or expired: saves the remaining ones, and when none is left records last seen.</summary>
    private async Task ForgetGatewaysAsync()
    {
        if (IsOnline)
        {
            await SaveGatewaysIfChangedAsync();
            return;
        }

        if (_expiryTimer is null)
        {
            return; // already offline
        }

        _expiryTimer.Dispose();
        _expiryTimer = null;
        state.State.LastSeen = time.GetUtcNow();
        state.State.Gateways = [];
        await WriteStateOrReloadAsync(state);
        await AnnouncePresenceAsync();
    }

    private async Task SaveGatewaysIfChangedAsync()
    {
        var current = _gateways.All;
        if (current.Count != state.State.Gateways.Count || current.Except(state.State.Gateways).Any())
        {
            state.State.Gateways = [.. current];
            await WriteStateOrReloadAsync(state);
        }
    }

    private void StartExpiryTimer()
    {
        var period = chatOptions.Value.ObserverExpiry / 2;
        _expiryTimer ??= this.RegisterGrainTimer(ForgetExpiredGatewaysAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    /// <summary>
    /// Presence goes to the people the user has written to, not to everyone, and to nobody while the user hides it (not
    /// even as a "hidden" event, whose timing would tell when they come and go).
    /// </summary>
    private Task AnnouncePresenceAsync() =>
        state.State.PresenceVisibility == PresenceVisibility.Nobody
            ? Task.CompletedTask
            : TellContactsAsync(new PresenceEvent(UserId, IsOnline, state.State.LastSeen));

    private async Task TellContactsAsync(PresenceEvent presence)
    {
        IReadOnlyList<string> conversations;
        try
        {
            conversations = await chatLists.ConversationsWrittenInAsync(UserId);
        }
        catch (Exception exception)
        {
            // Presence is a courtesy: contacts see it at their next look at the profile.
            LogPresenceNotAnnounced(exception, UserId);
            return;
        }

        foreach (var conversationId in conversations)
        {
            if (ConversationId.TryParse(conversationId, out var conversation) && conversation.Includes(UserId)
                && !state.State.Blocked.Contains(conversation.PeerOf(UserId)))
            {
                // One-way: two contacts announcing to each other at once must not wait on each other.
                _ = GrainFactory.GetGrain<IUserGrain>(conversation.PeerOf(UserId)).OnContactPresenceAsync(presence);
            }
        }
    }

    private async Task TryListInDirectoryAsync()
    {
        try
        {
            await directory.AddAsync(new DirectoryEntry(UserId, state.State.DisplayName!));
            state.State.Listed = true;
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            // The account exists either way; the next activation lists it.
            LogListingFailed(exception, UserId);
        }
    }

    private UserCredentials Credentials(PasswordHash password) => new(Profile(), password, state.State.TokenVersion);

    /// <summary>
    /// The answer to a lookup of an id nobody registered: this activation was made for nothing (a typo, a scan of ids),
    /// so it goes as soon as the call ends instead of holding memory until idle collection.
    /// </summary>
    private T? NobodyHere<T>() where T : class
    {
        this.DeactivateOnIdle();
        return null;
    }

    private UserProfile Profile() => new(
        UserId,
        state.State.DisplayName!,
        Shards.Of(UserId, ShardMap.ShardCount),
        IsOnline,
        state.State.LastSeen);

    private InboxEntry ToInboxEntry(ChatListLine line)
    {
        var conversation = ConversationId.Parse(line.ConversationId);
        return new InboxEntry(
            line.ConversationId,
            PeerUserId: conversation.IsGroup ? null : conversation.PeerOf(UserId),
            GroupId: conversation.IsGroup ? conversation.First : null,
            ChatMessages.From(conversation, line.LastMessage, ShardMap.ShardCount),
            line.UnreadCount,
            line.ReadUpTo,
            line.DeliveredUpTo);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "User {UserId} is registered but could not be listed in the directory yet")]
    private partial void LogListingFailed(Exception exception, long userId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "User {UserId} dropped gateway {Gateway}: a push to it failed")]
    private partial void LogGatewayDropped(long userId, IGatewayObserver gateway);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Could not record the gateways of user {UserId} after dropping one")]
    private partial void LogForgetFailed(Exception exception, long userId);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "User {UserId} signed out everywhere, but the gateways could not all be told at once")]
    private partial void LogSignOutNotBroadcast(Exception exception, long userId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Could not announce the presence of user {UserId} to their contacts")]
    private partial void LogPresenceNotAnnounced(Exception exception, long userId);
}

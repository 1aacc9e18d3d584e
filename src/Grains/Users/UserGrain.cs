using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Utilities;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Users;

[GrainType(GrainTypes.User)]
[ShardPlacement]
public sealed partial class UserGrain(
    [PersistentState("user", StorageNames.Chat)] IPersistentState<UserState> state,
    ShardMap shardMap,
    IOptions<ChatOptions> chatOptions,
    TimeProvider time,
    ILogger<UserGrain> logger) : ShardedGrain(shardMap), IUserGrain
{
    // The gateways holding this user's connections. Not persisted: gateways renew their subscriptions, and one that
    // stops renewing (it died) is forgotten after the expiry.
    private readonly ObserverManager<IUserObserver> _devices = new(chatOptions.Value.ObserverExpiry, logger);
    private IGrainTimer? _expiryTimer;

    private long UserId => this.GetPrimaryKeyLong();

    private bool IsOnline => _devices.Count > 0;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (state.State.IsRegistered && !state.State.Listed)
        {
            await TryListInDirectoryAsync();
        }

        // Listeners that were connected before this activation get a full expiry period to renew.
        foreach (var device in state.State.Devices)
        {
            _devices.Subscribe(device, device);
        }

        if (IsOnline)
        {
            StartExpiryTimer();
        }
    }

    public async Task<ChatResult<UserProfile>> RegisterAsync(string displayName, string password)
    {
        if (!UserIds.IsValid(UserId))
        {
            return ChatResult.Fail<UserProfile>(ChatErrorCode.InvalidUserId, $"userId must be 1 to {UserIds.MaxValue}.");
        }

        var name = UserLimits.NormalizeDisplayName(displayName);
        if (!name.IsSuccess)
        {
            return ChatResult.Fail<UserProfile>(name.Error);
        }

        if (UserLimits.ValidatePassword(password) is { } invalidPassword)
        {
            return ChatResult.Fail<UserProfile>(invalidPassword);
        }

        if (state.State.IsRegistered)
        {
            return ChatResult.Fail<UserProfile>(ChatErrorCode.UserAlreadyRegistered, $"User {UserId} is already registered.");
        }

        state.State.DisplayName = name.Value;
        state.State.Password = PasswordHash.Create(password);
        await WriteStateOrReloadAsync(state);
        await TryListInDirectoryAsync();
        return ChatResult.Success(Profile());
    }

    public Task<ChatResult<UserProfile>> AuthenticateAsync(string password) => Task.FromResult(
        state.State.Password is { } hash && password is not null && hash.Matches(password)
            ? ChatResult.Success(Profile())
            : ChatResult.Fail<UserProfile>(ChatErrorCode.WrongCredentials, "Wrong user id or password."));

    public Task<UserProfile?> GetProfileAsync() => Task.FromResult(state.State.IsRegistered ? Profile() : null);

    public Task<IReadOnlyList<InboxEntry>> GetInboxAsync()
    {
        IReadOnlyList<InboxEntry> inbox = [.. state.State.Inbox
            .OrderByDescending(entry => entry.Value.LastMessage.CreatedAt)
            .ThenBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(entry => ToInboxEntry(entry.Key, entry.Value))];
        return Task.FromResult(inbox);
    }

    public async Task OnMessageAsync(ChatMessage message)
    {
        var inbox = state.State.Inbox;
        if (inbox.TryGetValue(message.ConversationId, out var known) && message.Sequence <= known.LastMessage.Sequence)
        {
            return;
        }

        var record = known ?? new InboxRecord { LastMessage = message };
        record.LastMessage = message;
        if (message.FromUserId == UserId)
        {
            record.LastOwnSequence = message.Sequence;
        }

        inbox[message.ConversationId] = record;
        await WriteStateOrReloadAsync(state);
        await _devices.Notify(device => device.OnMessageAsync(message));
    }

    public async Task OnReceiptAsync(Receipt receipt)
    {
        if (receipt.UserId == UserId && state.State.Inbox.TryGetValue(receipt.ConversationId, out var record))
        {
            var readUpTo = receipt.Kind == ReceiptKind.Read ? Math.Max(record.ReadUpTo, receipt.UpToSequence) : record.ReadUpTo;
            var deliveredUpTo = Math.Max(record.DeliveredUpTo, receipt.UpToSequence);
            if (readUpTo != record.ReadUpTo || deliveredUpTo != record.DeliveredUpTo)
            {
                record.ReadUpTo = readUpTo;
                record.DeliveredUpTo = deliveredUpTo;
                await WriteStateOrReloadAsync(state);
            }
        }

        await _devices.Notify(device => device.OnReceiptAsync(receipt));
    }

    public Task OnTypingAsync(TypingEvent typing) => _devices.Notify(device => device.OnTypingAsync(typing));

    public Task OnContactPresenceAsync(PresenceEvent presence) => _devices.Notify(device => device.OnPresenceAsync(presence));

    public async Task SubscribeAsync(IUserObserver observer)
    {
        _devices.ClearExpired();
        var wasOnline = IsOnline;
        _devices.Subscribe(observer, observer);
        await SaveDevicesIfChangedAsync();
        if (!wasOnline)
        {
            StartExpiryTimer();
            AnnouncePresence();
        }
    }

    public async Task UnsubscribeAsync(IUserObserver observer)
    {
        _devices.Unsubscribe(observer);
        await ForgetDevicesAsync();
    }

    private Task ForgetExpiredDevicesAsync(CancellationToken cancellationToken)
    {
        _devices.ClearExpired();
        return ForgetDevicesAsync();
    }

    /// <summary>After devices left or expired: saves the remaining ones, and when none is left records last seen.</summary>
    private async Task ForgetDevicesAsync()
    {
        if (IsOnline)
        {
            await SaveDevicesIfChangedAsync();
            return;
        }

        if (_expiryTimer is null)
        {
            return; // already offline
        }

        _expiryTimer.Dispose();
        _expiryTimer = null;
        state.State.LastSeen = time.GetUtcNow();
        state.State.Devices = [];
        await WriteStateOrReloadAsync(state);
        AnnouncePresence();
    }

    private async Task SaveDevicesIfChangedAsync()
    {
        var current = _devices.Observers.Values.ToList();
        if (current.Count != state.State.Devices.Count || current.Except(state.State.Devices).Any())
        {
            state.State.Devices = current;
            await WriteStateOrReloadAsync(state);
        }
    }

    private void StartExpiryTimer()
    {
        var period = chatOptions.Value.ObserverExpiry / 2;
        _expiryTimer ??= this.RegisterGrainTimer(ForgetExpiredDevicesAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    /// <summary>Presence goes to the people the user shares a conversation with, not to everyone.</summary>
    private void AnnouncePresence()
    {
        var presence = new PresenceEvent(UserId, IsOnline, state.State.LastSeen);
        foreach (var conversationId in state.State.Inbox.Keys)
        {
            if (ConversationId.TryParse(conversationId, out var conversation) && conversation.Includes(UserId))
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
            var directory = GrainFactory.GetGrain<IUserDirectoryGrain>(Shards.Of(UserId, ShardMap.ShardCount));
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

    private UserProfile Profile() => new(
        UserId,
        state.State.DisplayName!,
        Shards.Of(UserId, ShardMap.ShardCount),
        IsOnline,
        state.State.LastSeen);

    private InboxEntry ToInboxEntry(string conversationId, InboxRecord record)
    {
        var conversation = ConversationId.Parse(conversationId);
        return new InboxEntry(
            conversationId,
            PeerUserId: conversation.IsGroup ? null : conversation.PeerOf(UserId),
            GroupId: conversation.IsGroup ? conversation.First : null,
            record.LastMessage,
            record.UnreadCount,
            record.ReadUpTo,
            record.DeliveredUpTo);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "User {UserId} is registered but could not be listed in the directory yet")]
    private partial void LogListingFailed(Exception exception, long userId);
}

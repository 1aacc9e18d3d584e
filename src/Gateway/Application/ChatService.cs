using System.Diagnostics;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Telemetry;

namespace WhatsApp.Gateway.Application;

/// <summary>
/// The chat's operations as the signed-in caller, shared by the REST endpoints and the hub: each checks what the gateway
/// can check without the cluster, calls the grain that owns the data (which checks again), and answers a value or a
/// typed refusal. Calls that are safe to repeat are retried through a silo failure; a send is, when it carries a
/// clientMessageId. Transports only translate: a refusal becomes a problem response or a hub error.
/// </summary>
public sealed class ChatService(ChatCluster cluster, GatewayMetrics metrics, IOptions<ShardOptions> shards, IOptions<ClusterCallOptions> calls)
{
    /// <summary>How many conversations the recent-messages view looks into.</summary>
    private const int RecentConversations = 20;

    /// <summary>
    /// Sends as the caller and records how long the answer took (<paramref name="transport"/>: REST or hub). With a
    /// clientMessageId the send is idempotent, so it is retried through a silo failure and a repeat answers the first
    /// message; without one it is tried once.
    /// </summary>
    public Task<ChatResult<SendReceipt>> SendAsync(long caller, long? toUserId, OutgoingMessage message, string transport) =>
        MeasuredSendAsync(transport, () =>
            RequestChecks.UserIdProblem(toUserId, "toUserId") is { } invalidRecipient ? Refused(ChatErrorCode.InvalidUserId, invalidRecipient)
            : toUserId == caller ? Refused(ChatErrorCode.CannotMessageSelf, "toUserId must be someone else.")
            : SendToAsync(ConversationId.Direct(caller, toUserId!.Value), caller, message));

    /// <summary>Sends to a group as the caller (a member; the group's conversation checks), like <see cref="SendAsync"/>.</summary>
    public Task<ChatResult<SendReceipt>> SendToGroupAsync(long caller, long groupId, OutgoingMessage message, string transport) =>
        MeasuredSendAsync(transport, () => UserIds.IsValid(groupId)
            ? SendToAsync(ConversationId.Group(groupId), caller, message)
            : Refused(ChatErrorCode.UnknownGroup, $"There is no group {groupId}."));

    /// <summary>Sends into a conversation named by its id (a reply from the hub, whichever kind of chat it is in).</summary>
    public Task<ChatResult<SendReceipt>> SendToConversationAsync(long caller, string conversationId, OutgoingMessage message, string transport) =>
        MeasuredSendAsync(transport, () => RequestChecks.ConversationOfCaller(conversationId, caller) is var conversation && conversation.IsSuccess
            ? SendToAsync(conversation.Value, caller, message)
            : Task.FromResult(ChatResult.Fail<SendReceipt>(conversation.Error)));

    /// <summary>The author replaces the text of their message (within 15 minutes of sending it).</summary>
    public Task<ChatResult<ChatMessage>> EditAsync(long caller, string conversationId, long sequence, string? content) =>
        OnConversationAsync(caller, conversationId, conversation => conversation.EditAsync(caller, sequence, content ?? string.Empty));

    /// <summary>The author deletes their message for everyone.</summary>
    public Task<ChatResult<ChatMessage>> DeleteAsync(long caller, string conversationId, long sequence) =>
        OnConversationAsync(caller, conversationId, conversation => conversation.DeleteAsync(caller, sequence));

    /// <summary>Sets the caller's reaction to a message, or removes it (null).</summary>
    public Task<ChatResult<ChatMessage>> ReactAsync(long caller, string conversationId, long sequence, string? emoji) =>
        OnConversationAsync(caller, conversationId, conversation => conversation.ReactAsync(caller, sequence, emoji));

    /// <summary>A page of a group's history as the caller may read it: from when they joined, up to when they left if they did.</summary>
    public async Task<ChatResult<HistoryPage>> GroupHistoryAsync(long caller, long groupId, long? beforeSequence, int? limit, CancellationToken cancellationToken)
    {
        if (!UserIds.IsValid(groupId))
        {
            return ChatResult.Fail<HistoryPage>(ChatErrorCode.UnknownGroup, $"There is no group {groupId}.");
        }

        var conversation = ConversationId.Group(groupId).ToString();
        return await cluster.RetryAsync(
            grains => grains.GetGrain<IConversationGrain>(conversation).GetHistoryAsync(caller, beforeSequence, limit ?? MessageLimits.DefaultPageSize),
            cancellationToken);
    }

    /// <summary>The message, when the caller can read it (a participant, and in a group a member when it was sent).</summary>
    public async Task<ChatResult<ChatMessage>> ReadableMessageAsync(long caller, string conversationId, long sequence)
    {
        if (sequence < 1)
        {
            return ChatResult.Fail<ChatMessage>(ChatErrorCode.InvalidSequence, "Sequences start at 1.");
        }

        var page = await OnConversationAsync(caller, conversationId, conversation => conversation.GetHistoryAsync(caller, sequence + 1, 1));
        return !page.IsSuccess
            ? ChatResult.Fail<ChatMessage>(page.Error)
            : page.Value.Messages is [var message] && message.Sequence == sequence
                ? ChatResult.Success(message)
                : ChatResult.Fail<ChatMessage>(ChatErrorCode.UnknownMessage, $"There is no message {sequence} you can read in this conversation.");
    }

    /// <summary>Who has received and read one of the caller's own messages.</summary>
    public Task<ChatResult<MessageInfo>> MessageInfoAsync(long caller, string conversationId, long sequence) =>
        OnConversationAsync(caller, conversationId, conversation => conversation.GetMessageInfoAsync(caller, sequence));

    /// <summary>A page of the caller's conversation with another user, newest last, before a sequence if one is given.</summary>
    public async Task<ChatResult<HistoryPage>> HistoryAsync(long caller, long a, long b, long? beforeSequence, int? limit, CancellationToken cancellationToken)
    {
        if ((RequestChecks.UserIdProblem(a, "a") ?? RequestChecks.UserIdProblem(b, "b")) is { } invalid)
        {
            return ChatResult.Fail<HistoryPage>(ChatErrorCode.InvalidRequest, invalid);
        }

        if (a == b)
        {
            return ChatResult.Fail<HistoryPage>(ChatErrorCode.InvalidRequest, "A conversation needs two different users.");
        }

        if (caller != a && caller != b)
        {
            return ChatResult.Fail<HistoryPage>(ChatErrorCode.NotParticipant, "You are not a participant of this conversation.");
        }

        var conversation = ConversationId.Direct(a, b).ToString();
        return await cluster.RetryAsync(
            grains => grains.GetGrain<IConversationGrain>(conversation).GetHistoryAsync(caller, beforeSequence, limit ?? MessageLimits.DefaultPageSize),
            cancellationToken);
    }

    /// <summary>A page of the caller's chat list, newest first, with each peer's profile.</summary>
    public async Task<ChatResult<ConversationsPage>> ChatListAsync(long caller, string? before, int limit, CancellationToken cancellationToken)
    {
        var page = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(caller).GetChatListAsync(before, limit), cancellationToken);
        if (!page.IsSuccess)
        {
            return ChatResult.Fail<ConversationsPage>(page.Error);
        }

        var entries = page.Value.Entries;
        var peers = await Task.WhenAll(entries.Select(entry => entry.PeerUserId is { } peer
            ? cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(peer).GetProfileAsync(), cancellationToken)
            : Task.FromResult<UserProfile?>(null)));
        var groups = await Task.WhenAll(entries.Select(entry => entry.GroupId is { } group
            ? cluster.RetryAsync(grains => grains.GetGrain<IGroupGrain>(group).GetSummaryAsync(caller), cancellationToken)
            : Task.FromResult<GroupSummary?>(null)));
        var summaries = entries.Select((entry, i) => new ConversationSummary(entry.ConversationId, peers[i], entry.GroupId, groups[i], entry.LastMessage, entry.UnreadCount)).ToList();
        return ChatResult.Success(new ConversationsPage(summaries, page.Value.NextCursor));
    }

    /// <summary>The caller's most recent messages across their latest conversations, newest first.</summary>
    public async Task<ChatResult<IReadOnlyList<ChatMessage>>> RecentMessagesAsync(long caller, long userId, int? limit, CancellationToken cancellationToken)
    {
        if (userId != caller)
        {
            return ChatResult.Fail<IReadOnlyList<ChatMessage>>(ChatErrorCode.NotParticipant, "You can only read your own messages.");
        }

        var take = limit ?? MessageLimits.DefaultPageSize;
        if (RequestChecks.PageSizeProblem(take) is { } invalid)
        {
            return ChatResult.Fail<IReadOnlyList<ChatMessage>>(ChatErrorCode.InvalidRequest, invalid);
        }

        var chatList = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(caller).GetChatListAsync(null, RecentConversations), cancellationToken);
        var pages = await Task.WhenAll((chatList.Value?.Entries ?? []).Select(entry => cluster.RetryAsync(
            grains => grains.GetGrain<IConversationGrain>(entry.ConversationId).GetHistoryAsync(caller, null, take), cancellationToken)));
        IReadOnlyList<ChatMessage> recent = [.. pages
            .Where(page => page.IsSuccess)
            .SelectMany(page => page.Value!.Messages)
            .OrderByDescending(message => message.CreatedAt)
            .ThenByDescending(message => message.Sequence)
            .Take(take)];
        return ChatResult.Success(recent);
    }

    public Task<ChatResult> MarkReadAsync(long caller, string conversationId, long? upToSequence) =>
        upToSequence is { } upTo
            ? OnConversationAsync(caller, conversationId, conversation => conversation.MarkReadAsync(caller, upTo), retry: true)
            : Task.FromResult(ChatResult.Fail(ChatErrorCode.InvalidRequest, "upToSequence is required."));

    public Task<ChatResult> MarkDeliveredAsync(long caller, string conversationId, long upToSequence) =>
        OnConversationAsync(caller, conversationId, conversation => conversation.MarkDeliveredAsync(caller, upToSequence), retry: true);

    /// <summary>Typing is tried once: a repeat would only say the same thing late.</summary>
    public Task<ChatResult> SetTypingAsync(long caller, string conversationId, bool isTyping) =>
        OnConversationAsync(caller, conversationId, conversation => conversation.SetTypingAsync(caller, isTyping), retry: false);

    /// <summary>A user's profile as the caller may see it (presence only for contacts).</summary>
    public async Task<ChatResult<UserProfile>> UserAsync(long caller, long userId, CancellationToken cancellationToken)
    {
        if (RequestChecks.UserIdProblem(userId, "userId") is { } invalid)
        {
            return ChatResult.Fail<UserProfile>(ChatErrorCode.InvalidRequest, invalid);
        }

        var profile = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).GetProfileSeenByAsync(caller), cancellationToken);
        return profile is null
            ? ChatResult.Fail<UserProfile>(ChatErrorCode.UnknownUser, $"User {userId} is not registered.")
            : ChatResult.Success(profile);
    }

    /// <summary>
    /// One page of matches: asks every shard's directory (each in its shard's database) at once and merges, since no
    /// single grain holds every user. A shard that cannot answer within its bound is left out and named in the result,
    /// so one database down does not take search away from everyone; when no shard answers, the search fails as any
    /// call does (503).
    /// </summary>
    public async Task<ChatResult<UserSearchResult>> SearchUsersAsync(long caller, string? query, int? limit, CancellationToken cancellationToken)
    {
        var take = limit ?? MessageLimits.DefaultPageSize;
        if (RequestChecks.PageSizeProblem(take) is { } invalid)
        {
            return ChatResult.Fail<UserSearchResult>(ChatErrorCode.InvalidRequest, invalid);
        }

        var prefix = UserLimits.NormalizeSearchQuery(query);
        if (!prefix.IsSuccess)
        {
            return ChatResult.Fail<UserSearchResult>(prefix.Error);
        }

        // Only the shards that could answer: those of the caller's people, and the one a whole number would be found on.
        var shardCount = shards.Value.Count;
        var searchableByShard = (await SearchablePeopleAsync(caller, cancellationToken)).ToLookup(userId => Shards.Of(userId, shardCount));
        var numberShard = UserLimits.WholeNumberSearched(prefix.Value) is { } number ? Shards.Of(number, shardCount) : (int?)null;
        var asked = Enumerable.Range(0, shardCount).Where(shard => searchableByShard.Contains(shard) || shard == numberShard).ToList();
        var searches = asked.Select(shard => SearchShardAsync(shard, prefix.Value, [.. searchableByShard[shard]], take, cancellationToken)).ToList();
        try
        {
            await Task.WhenAll(searches);
        }
        catch (Exception) when (searches.Any(search => search.IsCompletedSuccessfully))
        {
            // Answer from the shards that answered; the others are named in the result.
        }

        var unanswered = asked.Where((_, index) => !searches[index].IsCompletedSuccessfully).ToList();
        var matches = searches.Where(search => search.IsCompletedSuccessfully).SelectMany(search => search.Result).OrderBy(entry => entry.UserId).Take(take).ToList();
        var profiles = await Task.WhenAll(matches.Select(entry =>
            cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(entry.UserId).GetProfileSeenByAsync(caller), cancellationToken)));
        return ChatResult.Success(new UserSearchResult([.. profiles.OfType<UserProfile>()], unanswered));
    }

    private async Task<ChatResult<SendReceipt>> MeasuredSendAsync(string transport, Func<Task<ChatResult<SendReceipt>>> send)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = GatewayMetrics.Failed;
        // The message's path starts here: the grain calls below carry this trace to the silos.
        using var trace = ChatTracing.StartSend(transport);
        try
        {
            var sent = await send();
            outcome = sent.IsSuccess ? GatewayMetrics.Sent : GatewayMetrics.Refused;
            if (sent.IsSuccess)
            {
                ChatTracing.Tag(trace, sent.Value.Message.ConversationId, sent.Value.Message.Sequence);
            }

            return sent;
        }
        finally
        {
            metrics.RecordSend(started, transport, outcome);
        }
    }

    private static Task<ChatResult<SendReceipt>> Refused(ChatErrorCode code, string detail) => Task.FromResult(ChatResult.Fail<SendReceipt>(code, detail));

    private async Task<ChatResult<SendReceipt>> SendToAsync(ConversationId conversation, long caller, OutgoingMessage message)
    {
        var key = conversation.ToString();
        var tries = 0;
        Task<ChatResult<SendReceipt>> Send(ShardRoutedGrains grains)
        {
            tries++;
            return grains.GetGrain<IConversationGrain>(key).SendAsync(caller, message.Content ?? string.Empty, message.ClientMessageId, message.ReplyToSequence, message.Media);
        }

        if (message.Media is { UploadId: var uploadId } && uploadId == Guid.Empty)
        {
            return ChatResult.Fail<SendReceipt>(ChatErrorCode.InvalidMedia, "media.uploadId is required: the id of your finished upload into this conversation.");
        }

        if (message.ClientMessageId is null)
        {
            return await cluster.OnceAsync(Send);
        }

        var sent = await cluster.RetryAsync(Send);
        // A later try that finds the message stored found this request's own earlier try, which stored it but was not
        // waited for (a slow first write): the client sent it once, so it is created. A client that had also sent it
        // before gets the same message either way.
        return tries > 1 && sent is { IsSuccess: true, Value.WasDuplicate: true } ? ChatResult.Success(sent.Value with { WasDuplicate = false }) : sent;
    }

    /// <summary>An idempotent call on a conversation the caller names: retried through a silo failure.</summary>
    private async Task<ChatResult<T>> OnConversationAsync<T>(long caller, string conversationId, Func<IConversationGrain, Task<ChatResult<T>>> call)
    {
        var conversation = RequestChecks.ConversationOfCaller(conversationId, caller);
        return conversation.IsSuccess
            ? await cluster.RetryAsync(grains => call(grains.GetGrain<IConversationGrain>(conversation.Value.ToString())))
            : ChatResult.Fail<T>(conversation.Error);
    }

    private async Task<ChatResult> OnConversationAsync(long caller, string conversationId, Func<IConversationGrain, Task<ChatResult>> call, bool retry)
    {
        var conversation = RequestChecks.ConversationOfCaller(conversationId, caller);
        if (!conversation.IsSuccess)
        {
            return new ChatResult(conversation.Error);
        }

        Task<ChatResult> Call(ShardRoutedGrains grains) => call(grains.GetGrain<IConversationGrain>(conversation.Value.ToString()));
        return retry ? await cluster.RetryAsync(Call) : await cluster.OnceAsync(Call);
    }

    /// <summary>
    /// Whom a search by name looks among: the caller, the people of their recent direct chats, and the members of their
    /// recent groups they are still in (a group answers its members to members only), at most
    /// <see cref="UserLimits.MaxSearchedPeople"/>.
    /// </summary>
    private async Task<IReadOnlyCollection<long>> SearchablePeopleAsync(long caller, CancellationToken cancellationToken)
    {
        var recent = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(caller).GetRecentChatsAsync(), cancellationToken);
        var groups = await Task.WhenAll(recent.Groups.Select(groupId =>
            cluster.RetryAsync(grains => grains.GetGrain<IGroupGrain>(groupId).GetAsync(caller), cancellationToken)));
        var members = groups.Select(group => group.Value).OfType<GroupView>().SelectMany(group => group.Members).Select(member => member.UserId);
        return [.. recent.People.Prepend(caller).Concat(members).Distinct().Take(UserLimits.MaxSearchedPeople)];
    }

    private async Task<IReadOnlyList<DirectoryEntry>> SearchShardAsync(int shard, string prefix, long[] among, int limit, CancellationToken cancellationToken)
    {
        try
        {
            return await cluster.RetryAsync(grains => grains.GetGrain<IUserDirectoryGrain>(shard).SearchAsync(prefix, among, limit), cancellationToken)
                .WaitAsync(calls.Value.SearchShardTimeout, cancellationToken);
        }
        catch (TimeoutException exception)
        {
            throw new ClusterUnavailableException(ClusterOutage.Silos, exception);
        }
    }
}

/// <summary>
/// What a client sends: the text (a medium's caption), the id that makes a retry safe, the message it replies to, and
/// the medium it carries, if any.
/// </summary>
public sealed record OutgoingMessage(string? Content, string? ClientMessageId, long? ReplyToSequence = null, MediaAttachment? Media = null);

/// <summary>A line of the chat list as clients get it: the conversation, the peer's profile or the group's name, the last message.</summary>
public sealed record ConversationSummary(string ConversationId, UserProfile? Peer, long? GroupId, GroupSummary? Group, ChatMessage LastMessage, long UnreadCount);

/// <summary>A page of the chat list, and the cursor of the next page (null on the last).</summary>
public sealed record ConversationsPage(IReadOnlyList<ConversationSummary> Summaries, string? NextCursor);

/// <summary>A page of users found, and the shards that could not answer in time (none, usually).</summary>
public sealed record UserSearchResult(IReadOnlyList<UserProfile> Users, IReadOnlyList<int> UnansweredShards);

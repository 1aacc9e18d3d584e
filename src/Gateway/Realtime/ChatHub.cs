using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using WhatsApp.Gateway.Api;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// The real-time channel (/hubs/chat). Each connection joins its user's group; events arrive through
/// <see cref="UserEventBridge"/>. Every method acts as the token's user and is refused for conversations they are not in.
/// </summary>
[Authorize]
public sealed class ChatHub(ChatCluster cluster, UserEventBridge events, HubSendLimiter sendLimiter, GatewayMetrics metrics) : Hub
{
    private long Caller => Context.User!.UserId();

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, HubEvents.UserGroup(Caller));
        await events.AttachAsync(Caller);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => events.DetachAsync(Caller);

    /// <summary>
    /// The newest page of the caller's chat list. SignalR runs invocations only after <see cref="OnConnectedAsync"/> has subscribed this
    /// connection, so a client that calls this after (re)connecting gets a catch-up point with no gap before live events.
    /// </summary>
    public async Task<IReadOnlyList<ConversationSummary>> GetInbox()
    {
        var page = await Guard(() => ConversationsApi.ChatListPageAsync(cluster, Caller, before: null, MessageLimits.MaxPageSize, Context.ConnectionAborted));
        return page.IsSuccess ? page.Value.Summaries : throw new HubException(page.Error.Detail);
    }

    public async Task<ChatMessage> SendMessage(long toUserId, string content, string? clientMessageId)
    {
        if (!sendLimiter.TryAcquire(Caller))
        {
            throw new HubException("Too many messages: slow down.");
        }

        var sent = await Guard(() => MessagesApi.SendFromAsync(cluster, metrics, GatewayMetrics.Hub, Caller, toUserId, content, clientMessageId));
        return sent.IsSuccess ? sent.Value.Message : throw new HubException(sent.Error.Detail);
    }

    public Task Typing(string conversationId, bool isTyping) =>
        OnConversationAsync(conversationId, conversation => conversation.SetTypingAsync(Caller, isTyping), retry: false);

    public Task MarkDelivered(string conversationId, long upToSequence) =>
        OnConversationAsync(conversationId, conversation => conversation.MarkDeliveredAsync(Caller, upToSequence), retry: true);

    public Task MarkRead(string conversationId, long upToSequence) =>
        OnConversationAsync(conversationId, conversation => conversation.MarkReadAsync(Caller, upToSequence), retry: true);

    private async Task OnConversationAsync(string conversationId, Func<IConversationGrain, Task<ChatResult>> call, bool retry)
    {
        var conversation = RequestChecks.ConversationOfCaller(conversationId, Caller);
        if (!conversation.IsSuccess)
        {
            throw new HubException(conversation.Error.Detail);
        }

        Task<ChatResult> Call(IGrainFactory grains) => call(grains.GetGrain<IConversationGrain>(conversation.Value.ToString()));
        var result = await Guard(() => retry ? cluster.RetryAsync(Call) : cluster.OnceAsync(Call));
        if (!result.IsSuccess)
        {
            throw new HubException(result.Error!.Detail);
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ClusterUnavailableException unavailable)
        {
            throw new HubException($"{unavailable.Message} Try again in a few seconds.");
        }
    }
}

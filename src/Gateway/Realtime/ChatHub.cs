using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using WhatsApp.Gateway.Allowances;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// The real-time channel (/hubs/chat). Each connection joins its user's group; events (<see cref="IChatClient"/>) arrive
/// through <see cref="UserEventBridge"/>. Every method acts as the token's user through <see cref="ChatService"/>, as the
/// REST endpoints do; a refusal becomes a <see cref="HubException"/> the client sees, and so does an outage, in
/// <see cref="ChatHubFilter"/> with the limits every call passes first.
/// </summary>
[Authorize]
public sealed class ChatHub(ChatService chat, UserEventBridge events, SendAllowance sendAllowance) : Hub<IChatClient>
{
    private long Caller => Context.User!.UserId();

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, HubEvents.UserGroup(Caller));
        await events.AttachAsync(Caller, Context);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => events.DetachAsync(Caller, Context);

    /// <summary>
    /// The newest page of the caller's chat list. SignalR runs invocations only after <see cref="OnConnectedAsync"/> has subscribed this
    /// connection, so a client that calls this after (re)connecting gets a catch-up point with no gap before live events.
    /// </summary>
    public async Task<IReadOnlyList<ConversationSummary>> GetInbox() =>
        ValueOrThrow(await chat.ChatListAsync(Caller, before: null, MessageLimits.MaxPageSize, Context.ConnectionAborted)).Summaries;

    public Task<ChatMessage> SendMessage(long toUserId, string content, string? clientMessageId) =>
        SendWithinAllowanceAsync(() => chat.SendAsync(Caller, toUserId, new OutgoingMessage(content, clientMessageId), GatewayMetrics.Hub));

    public Task<ChatMessage> SendGroupMessage(long groupId, string content, string? clientMessageId) =>
        SendWithinAllowanceAsync(() => chat.SendToGroupAsync(Caller, groupId, new OutgoingMessage(content, clientMessageId), GatewayMetrics.Hub));

    /// <summary>A reply, in a direct or a group conversation, quoting one of its messages.</summary>
    public Task<ChatMessage> Reply(string conversationId, long replyToSequence, string content, string? clientMessageId) =>
        SendWithinAllowanceAsync(() => chat.SendToConversationAsync(Caller, conversationId, new OutgoingMessage(content, clientMessageId, replyToSequence), GatewayMetrics.Hub));

    [Cost(Costs.MessageAction)]
    public async Task<ChatMessage> EditMessage(string conversationId, long sequence, string content) =>
        ValueOrThrow(await chat.EditAsync(Caller, conversationId, sequence, content));

    [Cost(Costs.MessageAction)]
    public async Task<ChatMessage> DeleteMessage(string conversationId, long sequence) =>
        ValueOrThrow(await chat.DeleteAsync(Caller, conversationId, sequence));

    /// <summary>Sets the caller's reaction, or removes it when emoji is null.</summary>
    [Cost(Costs.MessageAction)]
    public async Task<ChatMessage> React(string conversationId, long sequence, string? emoji) =>
        ValueOrThrow(await chat.ReactAsync(Caller, conversationId, sequence, emoji));

    public async Task Typing(string conversationId, bool isTyping) =>
        ThrowIfRefused(await chat.SetTypingAsync(Caller, conversationId, isTyping));

    public async Task MarkDelivered(string conversationId, long upToSequence) =>
        ThrowIfRefused(await chat.MarkDeliveredAsync(Caller, conversationId, upToSequence));

    public async Task MarkRead(string conversationId, long upToSequence) =>
        ThrowIfRefused(await chat.MarkReadAsync(Caller, conversationId, upToSequence));

    private async Task<ChatMessage> SendWithinAllowanceAsync(Func<Task<ChatResult<SendReceipt>>> send)
    {
        if (!sendAllowance.TryTakeHubSend(Caller))
        {
            throw new HubException("Too many messages: slow down.");
        }

        return ValueOrThrow(await send()).Message;
    }

    private static T ValueOrThrow<T>(ChatResult<T> result) => result.IsSuccess ? result.Value : throw new HubException(result.Error.Detail);

    private static void ThrowIfRefused(ChatResult result)
    {
        if (!result.IsSuccess)
        {
            throw new HubException(result.Error!.Detail);
        }
    }
}

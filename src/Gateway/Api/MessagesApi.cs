using System.Diagnostics;
using System.Security.Claims;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Api;

public static class MessagesApi
{
    public const string SendPolicy = "sends";

    /// <summary>How many conversations the recent-messages view looks into.</summary>
    private const int RecentConversations = 20;

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/messages").WithTags("Messages").RequireAuthorization();
        messages.MapPost("/", PostAsync).RequireRateLimiting(SendPolicy);
        messages.MapGet("/{userId:long}", RecentAsync);
        return app;
    }

    /// <summary>
    /// Sends as the caller and records how long the answer took (<paramref name="transport"/>: REST or hub). With a
    /// clientMessageId the send is idempotent, so it is retried through a silo failure and a repeat answers 200 with the
    /// first message; without one it is tried once.
    /// </summary>
    public static async Task<ChatResult<SendReceipt>> SendFromAsync(
        ChatCluster cluster, GatewayMetrics metrics, string transport, long fromUserId, long? toUserId, string? content, string? clientMessageId)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = GatewayMetrics.Failed;
        try
        {
            var sent = await SendAsync(cluster, fromUserId, toUserId, content, clientMessageId);
            outcome = sent.IsSuccess ? GatewayMetrics.Sent : GatewayMetrics.Refused;
            return sent;
        }
        finally
        {
            metrics.RecordSend(started, transport, outcome);
        }
    }

    private static async Task<ChatResult<SendReceipt>> SendAsync(ChatCluster cluster, long fromUserId, long? toUserId, string? content, string? clientMessageId)
    {
        if (RequestChecks.UserIdProblem(toUserId, "toUserId") is { } invalidRecipient)
        {
            return ChatResult.Fail<SendReceipt>(ChatErrorCode.InvalidUserId, invalidRecipient);
        }

        if (toUserId == fromUserId)
        {
            return ChatResult.Fail<SendReceipt>(ChatErrorCode.CannotMessageSelf, "toUserId must be someone else.");
        }

        var conversation = ConversationId.Direct(fromUserId, toUserId!.Value).ToString();
        Task<ChatResult<SendReceipt>> Send(IGrainFactory grains) =>
            grains.GetGrain<IConversationGrain>(conversation).SendAsync(fromUserId, content ?? string.Empty, clientMessageId);
        return clientMessageId is null ? await cluster.OnceAsync(Send) : await cluster.RetryAsync(Send);
    }

    private static async Task<IResult> PostAsync(SendMessageRequest request, ClaimsPrincipal caller, ChatCluster cluster, GatewayMetrics metrics)
    {
        var sent = await SendFromAsync(cluster, metrics, GatewayMetrics.Rest, caller.UserId(), request.ToUserId, request.Content, request.ClientMessageId);
        if (!sent.IsSuccess)
        {
            return ChatProblems.From(sent.Error);
        }

        var location = $"/api/conversations/{sent.Value.Message.ConversationId.Replace('-', '/')}";
        return sent.Value.WasDuplicate ? TypedResults.Ok(sent.Value.Message) : TypedResults.Created(location, sent.Value.Message);
    }

    /// <summary>The caller's most recent messages across their latest conversations, newest first.</summary>
    private static async Task<IResult> RecentAsync(long userId, int? limit, ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken)
    {
        if (userId != caller.UserId())
        {
            return ChatProblems.Forbidden("You can only read your own messages.");
        }

        var take = limit ?? MessageLimits.DefaultPageSize;
        if (take is < 1 or > MessageLimits.MaxPageSize)
        {
            return ChatProblems.BadRequest($"limit must be 1 to {MessageLimits.MaxPageSize}.");
        }

        var chatList = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).GetChatListAsync(null, RecentConversations), cancellationToken);
        var pages = await Task.WhenAll((chatList.Value?.Entries ?? []).Select(entry => cluster.RetryAsync(
            grains => grains.GetGrain<IConversationGrain>(entry.ConversationId).GetHistoryAsync(userId, null, take), cancellationToken)));
        var recent = pages
            .Where(page => page.IsSuccess)
            .SelectMany(page => page.Value!.Messages)
            .OrderByDescending(message => message.CreatedAt)
            .ThenByDescending(message => message.Sequence)
            .Take(take)
            .ToList();
        return TypedResults.Ok(recent);
    }
}

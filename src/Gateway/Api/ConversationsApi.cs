using System.Security.Claims;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Api;

public static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        conversations.MapGet("/", InboxAsync);
        conversations.MapGet("/{a:long}/{b:long}", HistoryAsync);
        conversations.MapPost("/{conversationId}/read", MarkReadAsync);
        return app;
    }

    /// <summary>
    /// One page of the caller's chat list, newest first. The body stays the contract's array; the next page's address
    /// travels in a Link header (rel="next"), absent on the last page.
    /// </summary>
    private static async Task<IResult> InboxAsync(int? limit, string? before, ClaimsPrincipal caller, ChatCluster cluster, HttpResponse response, CancellationToken cancellationToken)
    {
        var take = limit ?? MessageLimits.DefaultPageSize;
        var page = await ChatListPageAsync(cluster, caller.UserId(), before, take, cancellationToken);
        if (!page.IsSuccess)
        {
            return ChatProblems.From(page.Error);
        }

        if (page.Value.NextCursor is { } next)
        {
            response.Headers.Link = $"</api/conversations?limit={take}&before={Uri.EscapeDataString(next)}>; rel=\"next\"";
        }

        return TypedResults.Ok(page.Value.Summaries);
    }

    /// <summary>A page of the user's chat list, newest first, with each peer's profile (REST and the hub's GetInbox).</summary>
    public static async Task<ChatResult<ConversationsPage>> ChatListPageAsync(ChatCluster cluster, long userId, string? before, int limit, CancellationToken cancellationToken)
    {
        var page = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).GetChatListAsync(before, limit), cancellationToken);
        if (!page.IsSuccess)
        {
            return ChatResult.Fail<ConversationsPage>(page.Error);
        }

        var entries = page.Value.Entries;
        var peers = await Task.WhenAll(entries.Select(entry => entry.PeerUserId is { } peer
            ? cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(peer).GetProfileAsync(), cancellationToken)
            : Task.FromResult<UserProfile?>(null)));
        var summaries = entries.Select((entry, i) => new ConversationSummary(entry.ConversationId, peers[i], entry.GroupId, entry.LastMessage, entry.UnreadCount)).ToList();
        return ChatResult.Success(new ConversationsPage(summaries, page.Value.NextCursor));
    }

    private static async Task<IResult> HistoryAsync(long a, long b, long? beforeSequence, int? limit, ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken)
    {
        if ((RequestChecks.UserIdProblem(a, "a") ?? RequestChecks.UserIdProblem(b, "b")) is { } invalid)
        {
            return ChatProblems.BadRequest(invalid);
        }

        if (a == b)
        {
            return ChatProblems.BadRequest("A conversation needs two different users.");
        }

        var userId = caller.UserId();
        if (userId != a && userId != b)
        {
            return ChatProblems.Forbidden("You are not a participant of this conversation.");
        }

        var conversation = ConversationId.Direct(a, b).ToString();
        var page = await cluster.RetryAsync(
            grains => grains.GetGrain<IConversationGrain>(conversation).GetHistoryAsync(userId, beforeSequence, limit ?? MessageLimits.DefaultPageSize),
            cancellationToken);
        return page.IsSuccess ? TypedResults.Ok(page.Value) : ChatProblems.From(page.Error);
    }

    private static async Task<IResult> MarkReadAsync(string conversationId, MarkReadRequest request, ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken)
    {
        var userId = caller.UserId();
        var conversation = RequestChecks.ConversationOfCaller(conversationId, userId);
        if (!conversation.IsSuccess)
        {
            return ChatProblems.From(conversation.Error);
        }

        if (request.UpToSequence is not { } upTo)
        {
            return ChatProblems.BadRequest("upToSequence is required.");
        }

        var marked = await cluster.RetryAsync(
            grains => grains.GetGrain<IConversationGrain>(conversation.Value.ToString()).MarkReadAsync(userId, upTo), cancellationToken);
        return marked.IsSuccess ? TypedResults.NoContent() : ChatProblems.From(marked.Error!);
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Gateway.Allowances;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Api;

public static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        conversations.MapGet("/", InboxAsync);
        conversations.MapGet("/{a:long}/{b:long}", HistoryAsync);
        conversations.MapPost("/{conversationId}/read", MarkReadAsync);
        conversations.MapGet("/{conversationId}/messages/{sequence:long}/info", MessageInfoAsync);
        conversations.MapGet("/{conversationId}/messages/{sequence:long}/path", MessagePathAsync).WithCost(Costs.Wide);
        conversations.MapPut("/{conversationId}/messages/{sequence:long}", EditAsync).WithCost(Costs.MessageAction);
        conversations.MapDelete("/{conversationId}/messages/{sequence:long}", DeleteAsync).WithCost(Costs.MessageAction);
        conversations.MapPut("/{conversationId}/messages/{sequence:long}/reaction", ReactAsync).WithCost(Costs.MessageAction);
        conversations.MapDelete("/{conversationId}/messages/{sequence:long}/reaction", RemoveReactionAsync).WithCost(Costs.MessageAction);
        return app;
    }

    /// <summary>Who has received and who has read one of the caller's own messages.</summary>
    private static async Task<Results<Ok<MessageInfo>, ProblemHttpResult>> MessageInfoAsync(string conversationId, long sequence, ClaimsPrincipal caller, ChatService chat) =>
        (await chat.MessageInfoAsync(caller.UserId(), conversationId, sequence)).OkOrProblem();

    /// <summary>Where the message went, from the spans the gateway and the silos keep for a few minutes.</summary>
    private static async Task<Results<Ok<MessagePath>, ProblemHttpResult>> MessagePathAsync(string conversationId, long sequence, ClaimsPrincipal caller, MessagePaths paths) =>
        (await paths.PathAsync(caller.UserId(), conversationId, sequence)).OkOrProblem();

    private static async Task<Results<Ok<ChatMessage>, ProblemHttpResult>> EditAsync(
        string conversationId, long sequence, EditMessageRequest request, ClaimsPrincipal caller, ChatService chat) =>
        (await chat.EditAsync(caller.UserId(), conversationId, sequence, request.Content)).OkOrProblem();

    /// <summary>Deletes for everyone: the answer is the tombstone that keeps the message's place.</summary>
    private static async Task<Results<Ok<ChatMessage>, ProblemHttpResult>> DeleteAsync(string conversationId, long sequence, ClaimsPrincipal caller, ChatService chat) =>
        (await chat.DeleteAsync(caller.UserId(), conversationId, sequence)).OkOrProblem();

    private static async Task<Results<Ok<ChatMessage>, ProblemHttpResult>> ReactAsync(
        string conversationId, long sequence, ReactionRequest request, ClaimsPrincipal caller, ChatService chat) =>
        request.Emoji is null
            ? ChatProblems.From(new ChatError(ChatErrorCode.InvalidReaction, "emoji is required; DELETE the reaction to remove it."))
            : (await chat.ReactAsync(caller.UserId(), conversationId, sequence, request.Emoji)).OkOrProblem();

    private static async Task<Results<Ok<ChatMessage>, ProblemHttpResult>> RemoveReactionAsync(string conversationId, long sequence, ClaimsPrincipal caller, ChatService chat) =>
        (await chat.ReactAsync(caller.UserId(), conversationId, sequence, emoji: null)).OkOrProblem();

    /// <summary>
    /// One page of the caller's chat list, newest first. The body stays the contract's array; the next page's address
    /// travels in a Link header (rel="next"), absent on the last page.
    /// </summary>
    private static async Task<Results<Ok<IReadOnlyList<ConversationSummary>>, ProblemHttpResult>> InboxAsync(
        int? limit, string? before, ClaimsPrincipal caller, ChatService chat, HttpResponse response, CancellationToken cancellationToken)
    {
        var take = limit ?? MessageLimits.DefaultPageSize;
        var page = await chat.ChatListAsync(caller.UserId(), before, take, cancellationToken);
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

    private static async Task<Results<Ok<HistoryPage>, ProblemHttpResult>> HistoryAsync(
        long a, long b, long? beforeSequence, int? limit, ClaimsPrincipal caller, ChatService chat, CancellationToken cancellationToken) =>
        (await chat.HistoryAsync(caller.UserId(), a, b, beforeSequence, limit, cancellationToken)).OkOrProblem();

    private static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(string conversationId, MarkReadRequest request, ClaimsPrincipal caller, ChatService chat) =>
        (await chat.MarkReadAsync(caller.UserId(), conversationId, request.UpToSequence)).NoContentOrProblem();
}

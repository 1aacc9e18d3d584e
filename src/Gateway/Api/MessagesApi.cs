using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Metrics;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Gateway.Api;

public static class MessagesApi
{
    public const string SendPolicy = "sends";

    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var messages = app.MapGroup("/api/messages").WithTags("Messages").RequireAuthorization();
        messages.MapPost("/", PostAsync).RequireRateLimiting(SendPolicy);
        messages.MapGet("/{userId:long}", RecentAsync);
        return app;
    }

    /// <summary>201 with the stored message, or 200 with the first one when the clientMessageId was sent before.</summary>
    private static async Task<Results<Created<ChatMessage>, Ok<ChatMessage>, ProblemHttpResult>> PostAsync(SendMessageRequest request, ClaimsPrincipal caller, ChatService chat)
    {
        var sent = await chat.SendAsync(caller.UserId(), request.ToUserId, new OutgoingMessage(request.Content, request.ClientMessageId, request.ReplyToSequence, request.Media?.ToAttachment()), GatewayMetrics.Rest);
        if (!sent.IsSuccess)
        {
            return ChatProblems.From(sent.Error);
        }

        var location = $"/api/conversations/{sent.Value.Message.ConversationId.Replace('-', '/')}";
        return sent.Value.WasDuplicate ? TypedResults.Ok(sent.Value.Message) : TypedResults.Created(location, sent.Value.Message);
    }

    private static async Task<Results<Ok<IReadOnlyList<ChatMessage>>, ProblemHttpResult>> RecentAsync(
        long userId, int? limit, ClaimsPrincipal caller, ChatService chat, CancellationToken cancellationToken) =>
        (await chat.RecentMessagesAsync(caller.UserId(), userId, limit, cancellationToken)).OkOrProblem();
}

using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Application;

/// <summary>Checks the gateway makes before it bothers the cluster; the grains check again.</summary>
public static class RequestChecks
{
    public static string? UserIdProblem(long? userId, string field) => userId switch
    {
        null => $"{field} is required.",
        { } id when !UserIds.IsValid(id) => $"{field} must be a whole number from 1 to {UserIds.MaxValue}.",
        _ => null,
    };

    public static string? PageSizeProblem(int limit) =>
        limit is < 1 or > MessageLimits.MaxPageSize ? $"limit must be 1 to {MessageLimits.MaxPageSize}." : null;

    /// <summary>
    /// The conversation a client names, when it is a conversation id and the caller takes part in it (for a group, its
    /// conversation decides: it knows who is a member).
    /// </summary>
    public static ChatResult<ConversationId> ConversationOfCaller(string conversationId, long callerId) =>
        !ConversationId.TryParse(conversationId, out var conversation)
            ? ChatResult.Fail<ConversationId>(ChatErrorCode.InvalidConversation, $"'{conversationId}' is not a conversation id (\"a-b\" with a < b, or \"g\" and a group id).")
            : !conversation.IsGroup && !conversation.Includes(callerId)
                ? ChatResult.Fail<ConversationId>(ChatErrorCode.NotParticipant, "You are not a participant of this conversation.")
                : ChatResult.Success(conversation);
}

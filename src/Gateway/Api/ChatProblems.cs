using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Api;

/// <summary>Turns the grains' typed refusals and the gateway's own checks into RFC 7807 problem responses.</summary>
public static class ChatProblems
{
    public static IResult From(ChatError error) => Problem(StatusOf(error.Code), error.Code.ToString(), error.Detail);

    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "InvalidRequest", detail);

    public static IResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, nameof(ChatErrorCode.NotParticipant), detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, nameof(ChatErrorCode.UnknownUser), detail);

    public static int StatusOf(ChatErrorCode code) => code switch
    {
        ChatErrorCode.UserAlreadyRegistered => StatusCodes.Status409Conflict,
        ChatErrorCode.WrongCredentials => StatusCodes.Status401Unauthorized,
        ChatErrorCode.NotParticipant => StatusCodes.Status403Forbidden,
        ChatErrorCode.UnknownUser or ChatErrorCode.UnknownRecipient => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status400BadRequest,
    };

    private static ProblemHttpResult Problem(int status, string code, string detail) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        extensions: new Dictionary<string, object?> { ["code"] = code });
}

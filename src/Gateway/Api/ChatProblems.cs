using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Api;

/// <summary>Turns the grains' typed refusals and the gateway's own checks into RFC 7807 problem responses.</summary>
public static class ChatProblems
{
    public static ProblemHttpResult From(ChatError error) => Problem(StatusOf(error.Code), error.Code.ToString(), error.Detail);

    public static ProblemHttpResult BadRequest(string detail) => From(new ChatError(ChatErrorCode.InvalidRequest, detail));

    /// <summary>
    /// How every allowance and throttle refuses: 429 with the code that names which, and Retry-After in whole seconds
    /// (at least one), the wait after which one more request is allowed.
    /// </summary>
    public static ProblemHttpResult TooManyRequests(HttpResponse response, string code, string detail, TimeSpan retryAfter)
    {
        response.Headers.RetryAfter = WholeSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status429TooManyRequests, code, detail);
    }

    /// <summary>A wait as the whole seconds a client is told (rounded up, at least one).</summary>
    public static int WholeSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>The value as 200, or the refusal as its problem response.</summary>
    public static Results<Ok<T>, ProblemHttpResult> OkOrProblem<T>(this ChatResult<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : From(result.Error);

    /// <summary>204, or the refusal as its problem response.</summary>
    public static Results<NoContent, ProblemHttpResult> NoContentOrProblem(this ChatResult result) =>
        result.IsSuccess ? TypedResults.NoContent() : From(result.Error!);

    public static int StatusOf(ChatErrorCode code) => code switch
    {
        ChatErrorCode.UserAlreadyRegistered or ChatErrorCode.GroupIdTaken or ChatErrorCode.GroupFull or ChatErrorCode.MessageNotChangeable => StatusCodes.Status409Conflict,
        ChatErrorCode.WrongCredentials => StatusCodes.Status401Unauthorized,
        ChatErrorCode.TooManyGroupsToday => StatusCodes.Status429TooManyRequests,
        ChatErrorCode.MediaTooLarge => StatusCodes.Status413PayloadTooLarge,
        ChatErrorCode.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ChatErrorCode.UploadOffsetMismatch or ChatErrorCode.UploadIncomplete => StatusCodes.Status409Conflict,
        ChatErrorCode.NotParticipant or ChatErrorCode.NotGroupAdmin or ChatErrorCode.NotMessageAuthor or ChatErrorCode.Blocked => StatusCodes.Status403Forbidden,
        ChatErrorCode.UnknownUser or ChatErrorCode.UnknownRecipient or ChatErrorCode.UnknownGroup or ChatErrorCode.UnknownMessage or ChatErrorCode.NoMessagePath
            or ChatErrorCode.NoInvitation or ChatErrorCode.UnknownUpload or ChatErrorCode.UnknownMedia
            => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status400BadRequest,
    };

    private static ProblemHttpResult Problem(int status, string code, string detail) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        extensions: new Dictionary<string, object?> { ["code"] = code });
}

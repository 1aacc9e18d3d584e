using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;

namespace WhatsApp.Gateway.Api;

/// <summary>
/// Bad input that ASP.NET Core itself rejects (invalid JSON, wrong types, oversize bodies) keeps its 4xx and gets a
/// problem body; a cluster or database that is unreachable is a 503 with Retry-After. Anything else (a bug, a refusal no
/// retry can cure) is a 500 with no internals shown, logged here with the exception.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, detail) = exception switch
        {
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge => (bad.StatusCode, RequestLimits.BodyTooLargeDetail),
            BadHttpRequestException bad => (bad.StatusCode, BadRequestDetail(bad)),
            ClusterUnavailableException unavailable => (StatusCodes.Status503ServiceUnavailable, $"{unavailable.Message} Try again in a few seconds."),
            HashQueueFullException full => (StatusCodes.Status503ServiceUnavailable, full.Message),
            _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side."),
        };

        // A 503 is an outage the cluster client has logged already (and expects); a 500 is a fault to look into.
        if (status == StatusCodes.Status500InternalServerError)
        {
            LogServerError(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Detail = detail },
        });
    }

    /// <summary>Plain words for the statuses the framework answers by itself (no route, no token, wrong media type...).</summary>
    public static string DefaultDetail(int? status) => status switch
    {
        StatusCodes.Status401Unauthorized => "Sign in first: send Authorization: Bearer <token> from /api/auth/login.",
        StatusCodes.Status403Forbidden => "You may not do that.",
        StatusCodes.Status404NotFound => "There is nothing at this address.",
        StatusCodes.Status405MethodNotAllowed => "This address does not take that method.",
        StatusCodes.Status413PayloadTooLarge => RequestLimits.BodyTooLargeDetail,
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON, with Content-Type: application/json.",
        _ => "The request could not be handled.",
    };

    // The framework's messages name the parameter and the reason without echoing the body. Where the body went wrong
    // comes from the JSON exception's path; whether it is malformed or of the wrong type from its shape, never its
    // wording: the reader's own exception underneath means the text is not JSON, none means a value did not convert.
    private static string BadRequestDetail(BadHttpRequestException exception) =>
        exception.InnerException is JsonException { Path: { } path } json
            ? string.Create(CultureInfo.InvariantCulture, $"{exception.Message} ({(json.InnerException is JsonException ? "invalid JSON" : "wrong type")} at {path})")
            : exception.Message;

    [LoggerMessage(EventId = 6100, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private partial void LogServerError(Exception exception, string method, string path);
}

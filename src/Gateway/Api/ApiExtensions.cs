using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Hosting;

namespace WhatsApp.Gateway.Api;

public static partial class ApiExtensions
{
    public const string ClientPolicy = "client";
    public const int MaxRequestBodyBytes = 64 * 1024;

    /// <summary>The JSON shape of the contract: camelCase, enums as camelCase strings, numbers only as numbers, no nulls.</summary>
    public static void ConfigureContractJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.NumberHandling = JsonNumberHandling.Strict;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    /// <summary>Everything around the endpoints: JSON, errors as problem details, limits, CORS, rate limits, OpenAPI.</summary>
    public static WebApplicationBuilder AddChatApi(this WebApplicationBuilder builder)
    {
        // Request lines carry the hub's access_token in the query string: never log them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Warning);

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.Configure<JsonOptions>(options => ConfigureContractJson(options.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= DefaultDetail(context.ProblemDetails.Status));
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<GatewayApiOptions>>((cors, options) => cors.AddPolicy(ClientPolicy, policy => policy
            .WithOrigins([.. options.Value.AllowedOriginList])
            .AllowAnyHeader()
            .AllowAnyMethod()
            .AllowCredentials()));
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayApiOptions>>((limiter, options) =>
        {
            var gateway = options.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(MessagesApi.SendPolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.UserId(), _ => SendBucket(gateway)));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    detail: $"Too many messages: at most {gateway.SendsPerSecond} a second (bursts of {gateway.SendBurst}).",
                    extensions: new Dictionary<string, object?> { ["code"] = "RateLimited" })
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>Plain words for the statuses the framework answers by itself (no route, no token, wrong media type...).</summary>
    private static string DefaultDetail(int? status) => status switch
    {
        StatusCodes.Status401Unauthorized => "Sign in first: send Authorization: Bearer <token> from /api/auth/login.",
        StatusCodes.Status403Forbidden => "You may not do that.",
        StatusCodes.Status404NotFound => "There is nothing at this address.",
        StatusCodes.Status405MethodNotAllowed => "This address does not take that method.",
        StatusCodes.Status413PayloadTooLarge => string.Create(CultureInfo.InvariantCulture, $"The request body is larger than {MaxRequestBodyBytes / 1024} KiB."),
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON, with Content-Type: application/json.",
        _ => "The request could not be handled.",
    };

    /// <summary>Each user's allowance of sends; the hub keeps its own buckets with the same settings.</summary>
    public static TokenBucketRateLimiterOptions SendBucket(GatewayApiOptions gateway) => new()
    {
        TokenLimit = gateway.SendBurst,
        TokensPerPeriod = gateway.SendsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public static WebApplication UseChatApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors(ClientPolicy);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        return app;
    }

    /// <summary>
    /// Bad input that ASP.NET Core itself rejects (invalid JSON, wrong types, oversize bodies) keeps its 4xx and gets a
    /// problem body; a cluster or database that is unreachable is a 503 with Retry-After. Anything else (a bug, a
    /// refusal no retry can cure) is a 500 with no internals shown, logged here with the exception.
    /// </summary>
    private sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var (status, detail) = exception switch
            {
                BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                    (bad.StatusCode, string.Create(CultureInfo.InvariantCulture, $"The request body is larger than {MaxRequestBodyBytes / 1024} KiB.")),
                BadHttpRequestException bad => (bad.StatusCode, BadRequestDetail(bad)),
                ClusterUnavailableException unavailable => (StatusCodes.Status503ServiceUnavailable, $"{unavailable.Message} Try again in a few seconds."),
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

        // The framework's messages name the parameter and the reason without echoing the body; the inner JSON
        // exception says where the body went wrong.
        private static string BadRequestDetail(BadHttpRequestException exception) =>
            exception.InnerException is JsonException { Path: { } path } json
                ? $"{exception.Message} ({(json.Message.Contains("could not be converted", StringComparison.Ordinal) ? "wrong type" : "invalid JSON")} at {path})"
                : exception.Message;

        [LoggerMessage(EventId = 6100, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
        private partial void LogServerError(Exception exception, string method, string path);
    }
}

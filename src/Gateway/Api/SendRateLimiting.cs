using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;

namespace WhatsApp.Gateway.Api;

/// <summary>The REST side of each user's send allowance (<see cref="SendAllowance"/>): a 429 with Retry-After when it is used up.</summary>
public static class SendRateLimiting
{
    public static IServiceCollection AddSendRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SendLimitOptions>>((limiter, options) =>
        {
            var limits = options.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(MessagesApi.SendPolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                http.User.UserId(), _ => SendAllowance.Bucket(limits)));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                await ChatProblems.TooManyRequests(
                    context.HttpContext.Response,
                    "RateLimited",
                    $"Too many messages: at most {limits.SendsPerSecond} a second (bursts of {limits.SendBurst}).",
                    TimeSpan.FromSeconds(1)).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }
}

using WhatsApp.Gateway.Api;
using WhatsApp.Gateway.Auth;

namespace WhatsApp.Gateway.Allowances;

/// <summary>
/// Charges every request of a signed-in user the cost of its route before the route runs; a request the allowance
/// cannot cover is answered 429 with Retry-After and never reaches the cluster.
/// </summary>
public sealed class UserAllowanceMiddleware(RequestDelegate next, UserAllowance allowance)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true && http.GetEndpoint() is { } endpoint)
        {
            var cost = endpoint.Metadata.GetMetadata<CostAttribute>()?.Cost ?? Costs.Plain;
            if (!allowance.TryTake(http.User.UserId(), cost))
            {
                await ChatProblems.TooManyRequests(http.Response, "RateLimited", allowance.Refusal, UserAllowance.RefillPeriod).ExecuteAsync(http);
                return;
            }
        }

        await next(http);
    }
}

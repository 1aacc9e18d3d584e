using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Gateway.Api;

/// <summary>Checks the gateway makes before it bothers the cluster; the grains check again.</summary>
public static class RequestChecks
{
    public static string? UserIdProblem(long? userId, string field) => userId switch
    {
        null => $"{field} is required.",
        { } id when !UserIds.IsValid(id) => $"{field} must be a whole number from 1 to {UserIds.MaxValue}.",
        _ => null,
    };
}

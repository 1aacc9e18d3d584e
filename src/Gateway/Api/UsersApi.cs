using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WhatsApp.Gateway.Allowances;
using WhatsApp.Gateway.Application;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Api;

/// <summary>
/// Looking people up, and choosing who reaches you. Anyone signed in may learn that a number is registered and its
/// name; presence comes only from the user grain, which shows it to the people the user shares a conversation with and
/// has not blocked.
/// </summary>
public static class UsersApi
{
    /// <summary>The response header naming the shards a search had to leave out ("1" or "0,2").</summary>
    public const string UnansweredShardsHeader = "Search-Unanswered-Shards";

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization();
        users.MapGet("/", SearchAsync).WithCost(Costs.Wide);
        users.MapGet("/{userId:long}", GetAsync);
        users.MapGet("/blocked", BlockedAsync);
        users.MapGet("/me/privacy", PrivacyAsync);
        users.MapPut("/me/privacy", SetPrivacyAsync).WithCost(Costs.Wide);
        users.MapPost("/{userId:long}/block", BlockAsync).WithCost(Costs.Wide);
        users.MapDelete("/{userId:long}/block", UnblockAsync).WithCost(Costs.Wide);
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<UserProfile>>, ProblemHttpResult>> SearchAsync(
        string? query, int? limit, ClaimsPrincipal caller, ChatService chat, HttpResponse response, CancellationToken cancellationToken)
    {
        var found = await chat.SearchUsersAsync(caller.UserId(), query, limit, cancellationToken);
        if (!found.IsSuccess)
        {
            return ChatProblems.From(found.Error);
        }

        if (found.Value.UnansweredShards.Count > 0)
        {
            response.Headers[UnansweredShardsHeader] = string.Join(',', found.Value.UnansweredShards);
        }

        return TypedResults.Ok(found.Value.Users);
    }

    private static async Task<Ok<PrivacySettings>> PrivacyAsync(ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cluster.RetryAsync(async grains =>
        {
            var user = grains.GetGrain<IUserGrain>(caller.UserId());
            return new PrivacySettings(await user.GetPresenceVisibilityAsync(), await user.GetWhoMayAddToGroupsAsync());
        }, cancellationToken));

    /// <summary>Changes the settings given (presence, groupAdds, or both); each change is idempotent, so it is retried like a read.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> SetPrivacyAsync(PrivacySettings settings, ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken)
    {
        if (settings is { Presence: null, GroupAdds: null }
            || settings.Presence is { } presence && !Enum.IsDefined(presence)
            || settings.GroupAdds is { } groupAdds && !Enum.IsDefined(groupAdds))
        {
            return ChatProblems.BadRequest("Give presence (everyone, contacts or nobody), groupAdds (everyone or contacts), or both.");
        }

        await cluster.RetryAsync(async grains =>
        {
            var user = grains.GetGrain<IUserGrain>(caller.UserId());
            if (settings.Presence is { } newPresence)
            {
                await user.SetPresenceVisibilityAsync(newPresence);
            }

            if (settings.GroupAdds is { } newGroupAdds)
            {
                await user.SetWhoMayAddToGroupsAsync(newGroupAdds);
            }

            return true;
        }, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<long>>> BlockedAsync(ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(caller.UserId()).GetBlockedAsync(), cancellationToken));

    /// <summary>Blocking and unblocking are idempotent, so they are retried through a silo failure like reads.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> BlockAsync(long userId, ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken) =>
        (await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(caller.UserId()).BlockAsync(userId), cancellationToken)).NoContentOrProblem();

    private static async Task<Results<NoContent, ProblemHttpResult>> UnblockAsync(long userId, ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken) =>
        (await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(caller.UserId()).UnblockAsync(userId), cancellationToken)).NoContentOrProblem();

    private static async Task<Results<Ok<UserProfile>, ProblemHttpResult>> GetAsync(long userId, ClaimsPrincipal caller, ChatService chat, CancellationToken cancellationToken) =>
        (await chat.UserAsync(caller.UserId(), userId, cancellationToken)).OkOrProblem();
}

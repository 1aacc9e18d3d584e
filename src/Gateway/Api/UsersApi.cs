using System.Security.Claims;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Api;

/// <summary>
/// Looking people up. Anyone signed in may learn that a number is registered and its name; presence comes only from the
/// user grain, which shows it to the people the user shares a conversation with.
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization();
        users.MapGet("/", SearchAsync);
        users.MapGet("/{userId:long}", GetAsync);
        return app;
    }

    /// <summary>One page of matches: asks every shard's directory and merges, since no single grain holds every user.</summary>
    private static async Task<IResult> SearchAsync(string? query, int? limit, ClaimsPrincipal caller, ChatCluster cluster, IOptions<ShardOptions> shards, CancellationToken cancellationToken)
    {
        var take = limit ?? MessageLimits.DefaultPageSize;
        if (take is < 1 or > MessageLimits.MaxPageSize)
        {
            return ChatProblems.BadRequest($"limit must be 1 to {MessageLimits.MaxPageSize}.");
        }

        var prefix = UserLimits.NormalizeSearchQuery(query);
        if (!prefix.IsSuccess)
        {
            return ChatProblems.From(prefix.Error);
        }

        var perShard = await Task.WhenAll(Enumerable.Range(0, shards.Value.Count).Select(shard =>
            cluster.RetryAsync(grains => grains.GetGrain<IUserDirectoryGrain>(shard).SearchAsync(prefix.Value, take), cancellationToken)));
        var matches = perShard.SelectMany(entries => entries).OrderBy(entry => entry.UserId).Take(take).ToList();
        var viewer = caller.UserId();
        var profiles = await Task.WhenAll(matches.Select(entry =>
            cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(entry.UserId).GetProfileSeenByAsync(viewer), cancellationToken)));
        return TypedResults.Ok(profiles.OfType<UserProfile>().ToList());
    }

    private static async Task<IResult> GetAsync(long userId, ClaimsPrincipal caller, ChatCluster cluster, CancellationToken cancellationToken)
    {
        if (!UserIds.IsValid(userId))
        {
            return ChatProblems.BadRequest($"userId must be a whole number from 1 to {UserIds.MaxValue}.");
        }

        var viewer = caller.UserId();
        var profile = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).GetProfileSeenByAsync(viewer), cancellationToken);
        return profile is null ? ChatProblems.NotFound($"User {userId} is not registered.") : TypedResults.Ok(profile);
    }
}

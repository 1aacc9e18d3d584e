using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Api;

public static class UsersApi
{
    private const int MaxQueryLength = 64;

    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization();
        users.MapGet("/", SearchAsync);
        users.MapGet("/{userId:long}", GetAsync);
        return app;
    }

    /// <summary>Asks every shard's directory and merges: no single grain holds every user.</summary>
    private static async Task<IResult> SearchAsync(string? query, int? limit, ChatCluster cluster, IOptions<ShardOptions> shards, CancellationToken cancellationToken)
    {
        var take = limit ?? MessageLimits.DefaultPageSize;
        if (take is < 1 or > MessageLimits.MaxPageSize)
        {
            return ChatProblems.BadRequest($"limit must be 1 to {MessageLimits.MaxPageSize}.");
        }

        if (query is { Length: > MaxQueryLength })
        {
            return ChatProblems.BadRequest($"query must be at most {MaxQueryLength} characters.");
        }

        var perShard = await Task.WhenAll(Enumerable.Range(0, shards.Value.Count).Select(shard =>
            cluster.RetryAsync(grains => grains.GetGrain<IUserDirectoryGrain>(shard).SearchAsync(query, take), cancellationToken)));
        var matches = perShard.SelectMany(entries => entries).OrderBy(entry => entry.UserId).Take(take).ToList();
        var profiles = await Task.WhenAll(matches.Select(entry =>
            cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(entry.UserId).GetProfileAsync(), cancellationToken)));
        return TypedResults.Ok(profiles.OfType<UserProfile>().ToList());
    }

    private static async Task<IResult> GetAsync(long userId, ChatCluster cluster, CancellationToken cancellationToken)
    {
        if (!UserIds.IsValid(userId))
        {
            return ChatProblems.BadRequest($"userId must be a whole number from 1 to {UserIds.MaxValue}.");
        }

        var profile = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).GetProfileAsync(), cancellationToken);
        return profile is null ? ChatProblems.NotFound($"User {userId} is not registered.") : TypedResults.Ok(profile);
    }
}

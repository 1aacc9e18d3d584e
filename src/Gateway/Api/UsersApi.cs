using System.Security.Claims;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Hosting;
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

    /// <summary>The response header naming the shards a search had to leave out ("1" or "0,2").</summary>
    public const string UnansweredShardsHeader = "Search-Unanswered-Shards";

    /// <summary>
    /// One page of matches: asks every shard's directory (each in its shard's database) at once and merges, since no
    /// single grain holds every user. A shard that cannot answer within its bound is left out and named in
    /// <see cref="UnansweredShardsHeader"/>, so one database down does not take search away from everyone; when no
    /// shard answers, the search fails as any call does (503).
    /// </summary>
    private static async Task<IResult> SearchAsync(
        string? query, int? limit, ClaimsPrincipal caller, HttpResponse response, ChatCluster cluster, IOptions<ShardOptions> shards, IOptions<GatewayApiOptions> options, CancellationToken cancellationToken)
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

        var searches = Enumerable.Range(0, shards.Value.Count)
            .Select(shard => SearchShardAsync(cluster, shard, prefix.Value, take, options.Value.SearchShardTimeout, cancellationToken))
            .ToList();
        try
        {
            await Task.WhenAll(searches);
        }
        catch (Exception) when (searches.Any(search => search.IsCompletedSuccessfully))
        {
            // Answer from the shards that answered; the others are named below.
        }

        var unanswered = Enumerable.Range(0, searches.Count).Where(shard => !searches[shard].IsCompletedSuccessfully).ToList();
        if (unanswered.Count > 0)
        {
            response.Headers[UnansweredShardsHeader] = string.Join(',', unanswered);
        }

        var matches = searches.Where(search => search.IsCompletedSuccessfully).SelectMany(search => search.Result).OrderBy(entry => entry.UserId).Take(take).ToList();
        var viewer = caller.UserId();
        var profiles = await Task.WhenAll(matches.Select(entry =>
            cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(entry.UserId).GetProfileSeenByAsync(viewer), cancellationToken)));
        return TypedResults.Ok(profiles.OfType<UserProfile>().ToList());
    }

    private static async Task<IReadOnlyList<DirectoryEntry>> SearchShardAsync(
        ChatCluster cluster, int shard, string prefix, int limit, TimeSpan bound, CancellationToken cancellationToken)
    {
        try
        {
            return await cluster.RetryAsync(grains => grains.GetGrain<IUserDirectoryGrain>(shard).SearchAsync(prefix, limit), cancellationToken)
                .WaitAsync(bound, cancellationToken);
        }
        catch (TimeoutException exception)
        {
            throw new ClusterUnavailableException(ClusterOutage.Silos, exception);
        }
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

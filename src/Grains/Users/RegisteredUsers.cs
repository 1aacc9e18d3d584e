using System.Collections.Concurrent;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Users;

/// <summary>
/// Who is registered, asked of the directory rather than of each user's grain, so that naming a thousand ids nobody
/// holds costs one query per database and no activation. Registration lists a user in the same database its account
/// is stored in, and an account not listed yet (the listing failed, or it predates the directory) is listed when its
/// grain next activates; so an id the directory lacks (or whose database is down) is asked of its grain, but only a few
/// per call: a request naming more unlisted ids than that is refused whole. Registration is permanent, so a user once found is remembered, and a
/// first message or a new group member asks nothing the next time. Bounded: past the bound it starts over.
/// </summary>
public sealed class RegisteredUsers(UserDirectoryStore directory, IGrainFactory grains)
{
    /// <summary>About 5 MB of ids: enough for every active user of a laptop-sized cluster.</summary>
    private const int Capacity = 100_000;

    /// <summary>At most this many ids the directory lacks are asked of their grains in one call (each an activation).</summary>
    private const int GrainChecksPerCall = 4;

    private readonly ConcurrentDictionary<long, bool> _known = new();

    /// <summary>The users among <paramref name="userIds"/> who are not registered (none, usually, and then without a query).</summary>
    public async Task<IReadOnlyList<long>> UnregisteredAmongAsync(IReadOnlyCollection<long> userIds)
    {
        var unknown = userIds.Where(userId => !_known.ContainsKey(userId)).Distinct().ToList();
        if (unknown.Count == 0)
        {
            return [];
        }

        var answer = await directory.ListedAmongAsync(unknown);
        foreach (var userId in answer.Listed)
        {
            Remember(userId);
        }

        var unlisted = unknown.Except(answer.Listed).ToList();
        if (unlisted.Count is > 0 and <= GrainChecksPerCall)
        {
            return await UnregisteredByTheirGrainsAsync(unlisted);
        }

        // Too many to ask their grains: refused as unknown, unless a database that did not answer may list them.
        return answer.Unanswered.Count == 0
            ? unlisted
            : throw new StorageUnavailableException($"The directory of {answer.Unanswered.Count} of these users did not answer; try again in a moment.");
    }

    private async Task<IReadOnlyList<long>> UnregisteredByTheirGrainsAsync(List<long> userIds)
    {
        var profiles = await Task.WhenAll(userIds.Select(userId => grains.GetGrain<IUserGrain>(userId).GetProfileAsync()));
        var unregistered = new List<long>();
        for (var i = 0; i < userIds.Count; i++)
        {
            if (profiles[i] is null)
            {
                unregistered.Add(userIds[i]);
            }
            else
            {
                Remember(userIds[i]);
            }
        }

        return unregistered;
    }

    private void Remember(long userId)
    {
        if (_known.Count >= Capacity)
        {
            _known.Clear();
        }

        _known.TryAdd(userId, true);
    }
}

using System.Collections.Concurrent;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>
/// Who this silo has found registered. Registration is permanent, so a user once found needs no asking again: a first
/// message or a new group member costs a call to their user grain only the first time this silo meets them. Someone not
/// found is not remembered (they may register a moment later). Bounded: past the bound it starts over.
/// </summary>
public sealed class RegisteredUsers(IGrainFactory grains)
{
    /// <summary>About 5 MB of ids: enough for every active user of a laptop-sized cluster.</summary>
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<long, bool> _known = new();

    /// <summary>The users among <paramref name="userIds"/> who are not registered (none, usually, and then without a call).</summary>
    public async Task<IReadOnlyList<long>> UnregisteredAmongAsync(IReadOnlyCollection<long> userIds)
    {
        var unknown = userIds.Where(userId => !_known.ContainsKey(userId)).Distinct().ToList();
        if (unknown.Count == 0)
        {
            return [];
        }

        var profiles = await Task.WhenAll(unknown.Select(userId => grains.GetGrain<IUserGrain>(userId).GetProfileAsync()));
        var unregistered = new List<long>();
        for (var i = 0; i < unknown.Count; i++)
        {
            if (profiles[i] is null)
            {
                unregistered.Add(unknown[i]);
            }
            else
            {
                Remember(unknown[i]);
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

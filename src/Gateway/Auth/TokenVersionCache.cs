using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Auth;

/// <summary>
/// Each user's current token version as this gateway last learnt it, so a request does not ask the user's grain (a
/// cluster round trip on every request). Signing out everywhere reaches every gateway at once as a push (see
/// <see cref="Realtime.UserEventBridge"/>); an entry also expires after Gateway:TokenVersionCacheDuration (at most
/// 30 s), the backstop for a push that was lost (a gateway that could not be reached for a moment).
/// </summary>
public sealed class TokenVersionCache(ChatCluster cluster, IOptions<TokenVersionOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<long, Entry> _versions = new();
    private long _nextSweep;

    /// <summary>The user's current token version: cached while fresh, otherwise asked of the user's grain.</summary>
    public async ValueTask<int> CurrentAsync(long userId, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_versions.TryGetValue(userId, out var cached) && now < cached.ExpiresAt)
        {
            return cached.Version;
        }

        SweepExpired(now);
        var asked = await cluster.RetryAsync(grains => grains.GetGrain<IUserGrain>(userId).GetTokenVersionAsync(), cancellationToken);
        return Learn(userId, asked);
    }

    /// <summary>
    /// Records a version the user now has (from their grain, or pushed by a sign-out) and returns the newest known. Versions
    /// only grow, so an answer that was under way while a sign-out arrived never brings back the older one.
    /// </summary>
    public int Learn(long userId, int version)
    {
        var expiresAt = time.GetTimestamp() + Ticks(options.Value.TokenVersionCacheDuration);
        return _versions.AddOrUpdate(
            userId,
            static (_, fresh) => fresh,
            static (_, known, fresh) => fresh.Version >= known.Version ? fresh : known with { ExpiresAt = fresh.ExpiresAt },
            new Entry(version, expiresAt)).Version;
    }

    /// <summary>Drops expired entries, at most once per cache duration, so users who went quiet take no memory.</summary>
    private void SweepExpired(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + Ticks(options.Value.TokenVersionCacheDuration), next) != next)
        {
            return;
        }

        foreach (var (userId, entry) in _versions)
        {
            if (entry.ExpiresAt <= now)
            {
                _versions.TryRemove(new KeyValuePair<long, Entry>(userId, entry));
            }
        }
    }

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * time.TimestampFrequency);

    private sealed record Entry(int Version, long ExpiresAt);
}

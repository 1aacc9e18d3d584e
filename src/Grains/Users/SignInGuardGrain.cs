using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Users;

/// <summary>
/// One shard's counts of failed sign-ins, in memory. After a key's free failures, each further failure makes it wait
/// FirstBackoff, then twice as long, up to MaxBackoff; a quiet spell as long as MaxBackoff starts the count afresh, and
/// keys that quiet go once many are kept, so spraying ids cannot fill the memory.
/// </summary>
[GrainType(GrainTypes.SignInGuard)]
[ShardPlacement]
public sealed class SignInGuardGrain(IOptions<SignInThrottleOptions> options, TimeProvider time, ShardMap shardMap) : ShardedGrain(shardMap), ISignInGuardGrain
{
    private const int SweepAbove = 100_000;

    private readonly Dictionary<SignInKey, Failures> _failures = [];

    private SignInThrottleOptions Settings => options.Value;

    public Task<TimeSpan?> RetryAfterAsync(IReadOnlyList<SignInKey> keys)
    {
        var now = time.GetUtcNow();
        var blockedUntil = keys.Select(key => _failures.GetValueOrDefault(key)?.BlockedUntil ?? now).DefaultIfEmpty(now).Max();
        return Task.FromResult<TimeSpan?>(blockedUntil > now ? blockedUntil - now : null);
    }

    public Task RecordFailureAsync(IReadOnlyList<SignInKey> keys)
    {
        var now = time.GetUtcNow();
        foreach (var key in keys)
        {
            _failures[key] = _failures.TryGetValue(key, out var previous) && now - previous.LastFailure <= Settings.MaxBackoff
                ? Failures.After(previous.Count + 1, now, FreeFailures(key.Kind), Settings)
                : Failures.After(1, now, FreeFailures(key.Kind), Settings);
        }

        if (_failures.Count > SweepAbove)
        {
            foreach (var (key, failures) in _failures.Where(entry => now - entry.Value.LastFailure > Settings.MaxBackoff).ToList())
            {
                _failures.Remove(key);
            }
        }

        // The counts are worth keeping while any wait they set can still run.
        DelayDeactivation(Settings.MaxBackoff);
        return Task.CompletedTask;
    }

    public Task ForgetAsync(IReadOnlyList<SignInKey> keys)
    {
        foreach (var key in keys)
        {
            _failures.Remove(key);
        }

        return Task.CompletedTask;
    }

    private int FreeFailures(SignInKeyKind kind) => kind switch
    {
        SignInKeyKind.AccountFromAddress => Settings.FreeFailuresPerAccount,
        SignInKeyKind.Address => Settings.FreeFailuresPerAddress,
        _ => Settings.FreeFailuresPerAccountFromEverywhere,
    };

    private sealed record Failures(int Count, DateTimeOffset LastFailure, DateTimeOffset BlockedUntil)
    {
        public static Failures After(int count, DateTimeOffset now, int freeFailures, SignInThrottleOptions settings) =>
            new(count, now, now + Backoff(count - freeFailures, settings));

        private static TimeSpan Backoff(int beyondFree, SignInThrottleOptions settings)
        {
            if (beyondFree <= 0)
            {
                return TimeSpan.Zero;
            }

            // 1, 2, 4, ... times the first wait; the exponent is capped so the doubling cannot overflow.
            var factor = Math.Pow(2, Math.Min(beyondFree - 1, 30));
            return TimeSpan.FromTicks((long)Math.Min(settings.FirstBackoff.Ticks * factor, settings.MaxBackoff.Ticks));
        }
    }
}

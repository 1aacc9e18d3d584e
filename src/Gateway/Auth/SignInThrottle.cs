using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Allowances;

namespace WhatsApp.Gateway.Auth;

/// <summary>
/// Slows down password guessing without letting a guesser lock the owner out: failures count for an account from one
/// client address (<see cref="ClientAddress"/>: IPv6 by /64), for an address whatever the accounts, and for an account
/// from everywhere together, with a ceiling far above what a person types, against guessing spread over many addresses.
/// After a key's free failures, each further failure makes it wait FirstBackoff, then twice as long, up to MaxBackoff.
/// So the owner, from their own address, signs in with the right password while a guesser elsewhere waits. A successful
/// login clears the account's keys (not the address's: one known password must not buy an address fresh guesses at
/// other accounts). Unknown ids are tracked like real ones, so the throttle does not tell which numbers exist either.
/// The memory is per gateway process: a deployment of N gateways gives a guesser N times the attempts.
/// </summary>
public sealed class SignInThrottle(IOptions<SignInThrottleOptions> options, TimeProvider time)
{
    // Keys idle for longer than MaxBackoff are dropped once this many are tracked, so spraying ids cannot fill the memory.
    private const int SweepAbove = 100_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new();

    /// <summary>How long the caller must wait before trying this account from this address again; null when it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address, long userId)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        foreach (var key in Keys(address, userId))
        {
            if (_failures.TryGetValue(key, out var failures) && failures.BlockedUntil > now)
            {
                wait = TimeSpan.FromTicks(Math.Max(wait.Ticks, (failures.BlockedUntil - now).Ticks));
            }
        }

        return wait > TimeSpan.Zero ? wait : null;
    }

    public void RecordFailure(IPAddress? address, long userId)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        RecordFailure(AccountFromAddressKey(address, userId), settings.FreeFailuresPerAccount, settings, now);
        RecordFailure(AddressKey(address), settings.FreeFailuresPerAddress, settings, now);
        RecordFailure(AccountKey(userId), settings.FreeFailuresPerAccountFromEverywhere, settings, now);
        if (_failures.Count > SweepAbove)
        {
            foreach (var (key, failures) in _failures)
            {
                if (now - failures.LastFailure > settings.MaxBackoff)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    public void RecordSuccess(IPAddress? address, long userId)
    {
        _failures.TryRemove(AccountFromAddressKey(address, userId), out _);
        _failures.TryRemove(AccountKey(userId), out _);
    }

    private void RecordFailure(string key, int freeFailures, SignInThrottleOptions settings, DateTimeOffset now) =>
        _failures.AddOrUpdate(
            key,
            _ => Failures.First(now, freeFailures, settings),
            (_, previous) => previous.Next(now, freeFailures, settings));

    private static string[] Keys(IPAddress? address, long userId) => [AccountFromAddressKey(address, userId), AddressKey(address), AccountKey(userId)];

    private static string AccountFromAddressKey(IPAddress? address, long userId) => $"user:{userId}@{ClientAddress.KeyOf(address)}";

    private static string AccountKey(long userId) => $"user:{userId}";

    private static string AddressKey(IPAddress? address) => $"address:{ClientAddress.KeyOf(address)}";

    private sealed record Failures(int Count, DateTimeOffset LastFailure, DateTimeOffset BlockedUntil)
    {
        public static Failures First(DateTimeOffset now, int freeFailures, SignInThrottleOptions settings) =>
            new(1, now, now + Backoff(1, freeFailures, settings));

        public Failures Next(DateTimeOffset now, int freeFailures, SignInThrottleOptions settings)
        {
            // A quiet spell as long as the longest wait starts the count afresh.
            var count = now - LastFailure > settings.MaxBackoff ? 1 : Count + 1;
            return new Failures(count, now, now + Backoff(count, freeFailures, settings));
        }

        private static TimeSpan Backoff(int count, int freeFailures, SignInThrottleOptions settings)
        {
            var beyondFree = count - freeFailures;
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

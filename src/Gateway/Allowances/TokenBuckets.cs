using System.Threading.RateLimiting;

namespace WhatsApp.Gateway.Allowances;

/// <summary>
/// What every allowance is made of: a bucket per key (a user, a connection, an address) that holds a burst and gets so
/// many tokens back every period, and never queues. The buckets of one limiter refill on that limiter's one timer, not a
/// timer each, and go away once idle and full.
/// </summary>
public static class TokenBuckets
{
    public static TokenBucketRateLimiterOptions Of(int burst, int tokensPerPeriod, TimeSpan period) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = tokensPerPeriod,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    /// <summary>One bucket per key, each made as <paramref name="bucket"/> says.</summary>
    public static PartitionedRateLimiter<TKey> PerKey<TKey>(Func<TokenBucketRateLimiterOptions> bucket) where TKey : notnull =>
        PartitionedRateLimiter.Create<TKey, TKey>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => bucket()));

    /// <summary>Takes <paramref name="tokens"/> from the key's bucket; false, and nothing taken, when it holds fewer.</summary>
    public static bool TryTake<TKey>(this PartitionedRateLimiter<TKey> limiter, TKey key, int tokens = 1)
    {
        using var lease = limiter.AttemptAcquire(key, tokens);
        return lease.IsAcquired;
    }
}

using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace WhatsApp.Gateway.Application;

/// <summary>
/// Each user's allowance of sends, the same over REST and the hub: a token bucket per user, refilled every second.
/// REST applies it through the rate-limiting middleware's policy, the hub by asking before each send.
/// </summary>
public sealed class SendAllowance(IOptions<SendLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<long> _hubLimiter = PartitionedRateLimiter.Create<long, long>(
        userId => RateLimitPartition.GetTokenBucketLimiter(userId, _ => Bucket(options.Value)));

    /// <summary>One user's bucket, as the middleware's per-user partitions are built.</summary>
    public static TokenBucketRateLimiterOptions Bucket(SendLimitOptions limits) => new()
    {
        TokenLimit = limits.SendBurst,
        TokensPerPeriod = limits.SendsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Takes one send from the user's hub bucket; false when it is empty.</summary>
    public bool TryTakeHubSend(long userId)
    {
        using var lease = _hubLimiter.AttemptAcquire(userId);
        return lease.IsAcquired;
    }

    public void Dispose() => _hubLimiter.Dispose();
}

using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Api;
using WhatsApp.Gateway.Hosting;

namespace WhatsApp.Gateway.Realtime;

/// <summary>Per-user send allowance for hub calls, which the HTTP rate-limiting middleware does not see.</summary>
public sealed class HubSendLimiter(IOptions<GatewayApiOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<long> _limiter = PartitionedRateLimiter.Create<long, long>(
        userId => RateLimitPartition.GetTokenBucketLimiter(userId, _ => ApiExtensions.SendBucket(options.Value)));

    public bool TryAcquire(long userId)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

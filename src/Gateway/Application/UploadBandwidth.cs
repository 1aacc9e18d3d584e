using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Application;

/// <summary>Configuration section "Gateway": how fast this gateway takes in upload bytes, all uploads together.</summary>
public sealed class UploadBandwidthOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Gateway__UploadBytesPerSecond: upload bytes this gateway passes on to the cluster per second. Uploads are
    /// background work beside interactive sends on the same cores and the same database; without a bound they take
    /// every cycle, and every text waits behind them.
    /// </summary>
    public long UploadBytesPerSecond { get; set; } = 36L * 1024 * 1024;
}

public sealed class UploadBandwidthOptionsValidator : IValidateOptions<UploadBandwidthOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadBandwidthOptions options) => ValidatedOptions.Check(
        (options.UploadBytesPerSecond >= MediaLimits.ChunkBytes, $"Gateway:UploadBytesPerSecond must be at least one chunk ({MediaLimits.ChunkBytes} bytes)."));
}

/// <summary>
/// The gateway's upload budget: a token bucket of bytes (a tenth of a second's worth added ten times a second, up to a
/// second's worth), which each chunk waits for before it goes to the cluster; waiting uploads are served in order.
/// </summary>
public sealed class UploadBandwidth(IOptions<UploadBandwidthOptions> options) : IDisposable
{
    private readonly TokenBucketRateLimiter _bucket = new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = (int)Math.Min(int.MaxValue, options.Value.UploadBytesPerSecond),
        TokensPerPeriod = (int)Math.Min(int.MaxValue, Math.Max(1, options.Value.UploadBytesPerSecond / 10)),
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    /// <summary>Waits until the budget allows <paramref name="bytes"/> more (at most one chunk at a time).</summary>
    public async Task WaitForAsync(int bytes, CancellationToken cancellationToken)
    {
        using var lease = await _bucket.AcquireAsync(bytes, cancellationToken);
    }

    public void Dispose() => _bucket.Dispose();
}

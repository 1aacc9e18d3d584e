using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Messaging;
using WhatsApp.Gateway.Hosting;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Cluster;

/// <summary>
/// The gateway's way into the cluster. For a few seconds after a silo dies, calls to its grains fail fast until the
/// cluster declares it dead and places them elsewhere: idempotent calls are retried with backoff through that window,
/// so a user sees a short delay (a try that gets no answer within ClusterAttemptTimeout is tried again); a call that
/// still fails after the budget becomes a 503. A database outage is not waited out (it may last long, and every waiting
/// request holds a connection): it is a 503 at once. Any other exception is a bug or a refusal that a retry cannot
/// cure: it is not retried, and the API answers 500.
/// </summary>
public sealed partial class ChatCluster(IClusterClient client, ShardRoutedGrains grains, IOptions<GatewayApiOptions> options, ILogger<ChatCluster> logger)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    // Short, so that a send waiting out a dead silo goes through within half a second of the cluster placing its grains
    // elsewhere; at most two tries a second per waiting request is little load on the silos that remain.
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);

    public IClusterClient Client => client;

    /// <summary>Runs a call that is safe to repeat (a read, or a write the grain deduplicates).</summary>
    public async Task<T> RetryAsync<T>(Func<ShardRoutedGrains, Task<T>> call, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // A try abandoned here still runs to its end; repeating it is safe, which is why only these calls get it.
                return await call(grains).WaitAsync(options.Value.ClusterAttemptTimeout, cancellationToken);
            }
            catch (Exception exception) when (IsSiloFailure(exception) && clock.Elapsed + delay < options.Value.ClusterRetryBudget)
            {
                LogRetrying(attempt, delay.TotalMilliseconds, exception.GetType().Name, exception.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
            catch (Exception exception) when (Unavailable(exception) is { } unavailable)
            {
                throw unavailable;
            }
        }
    }

    /// <summary>Runs a call that must not be repeated blindly; a transient failure becomes a 503 the client may retry.</summary>
    public async Task<T> OnceAsync<T>(Func<ShardRoutedGrains, Task<T>> call)
    {
        try
        {
            return await call(grains);
        }
        catch (Exception exception) when (Unavailable(exception) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>The 503 a transient failure becomes, or null for an exception that is not transient (it propagates as it is).</summary>
    private static ClusterUnavailableException? Unavailable(Exception exception) => exception switch
    {
        StorageUnavailableException => new ClusterUnavailableException(ClusterOutage.Storage, exception),
        _ when IsSiloFailure(exception) => new ClusterUnavailableException(ClusterOutage.Silos, exception),
        _ => null,
    };

    /// <summary>
    /// The failures that waiting cures, by name: a silo that died or is leaving (<see cref="SiloUnavailableException"/> is
    /// one of the <see cref="OrleansMessageRejectionException"/>s), a broken connection to one, a gateway silo shedding
    /// load, and a call caught in flight to a silo that died (it times out after ClusterCallTimeout).
    /// </summary>
    private static bool IsSiloFailure(Exception exception) =>
        exception is OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or TimeoutException;

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Cluster call failed (attempt {Attempt}, {Error}: {Reason}); retrying in {DelayMs} ms")]
    private partial void LogRetrying(int attempt, double delayMs, string error, string reason);
}

using System.Diagnostics;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Hosting;

namespace WhatsApp.Gateway.Cluster;

/// <summary>
/// The gateway's way into the cluster. For a few seconds after a silo dies, calls to its grains fail fast until the
/// cluster declares it dead and places them elsewhere: idempotent calls are retried with backoff through that window,
/// so a user sees a short delay; a call that still fails after the budget becomes a 503.
/// </summary>
public sealed partial class ChatCluster(IClusterClient client, IOptions<GatewayApiOptions> options, ILogger<ChatCluster> logger)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    public IClusterClient Client => client;

    /// <summary>Runs a call that is safe to repeat (a read, or a write the grain deduplicates).</summary>
    public async Task<T> RetryAsync<T>(Func<IGrainFactory, Task<T>> call, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(client);
            }
            catch (Exception exception) when (IsTransient(exception) && clock.Elapsed + delay < options.Value.ClusterRetryBudget)
            {
                LogRetrying(attempt, delay.TotalMilliseconds, exception.GetType().Name, exception.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                throw new ClusterUnavailableException(exception);
            }
        }
    }

    /// <summary>Runs a call that must not be repeated blindly; a failure becomes a 503 the client may retry.</summary>
    public async Task<T> OnceAsync<T>(Func<IGrainFactory, Task<T>> call)
    {
        try
        {
            return await call(client);
        }
        catch (Exception exception) when (IsTransient(exception))
        {
            throw new ClusterUnavailableException(exception);
        }
    }

    // Grains report bad input as typed results, so an exception from the cluster is a fault of the cluster
    // (a silo or its storage going away), never the caller's.
    private static bool IsTransient(Exception exception) => exception is not OperationCanceledException;

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Cluster call failed (attempt {Attempt}, {Error}: {Reason}); retrying in {DelayMs} ms")]
    private partial void LogRetrying(int attempt, double delayMs, string error, string reason);
}

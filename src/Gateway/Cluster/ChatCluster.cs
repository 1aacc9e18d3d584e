using Polly;
using Polly.Registry;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Cluster;

/// <summary>
/// The gateway's way into the cluster. For a few seconds after a silo dies, calls to its grains fail fast until the
/// cluster declares it dead and places them elsewhere: idempotent calls go through the <see cref="RetriesPipeline"/>,
/// which waits that window out, so a user sees a short delay; a call that still fails after its budget becomes a 503.
/// A database outage is not waited out (it may last long, and every waiting request holds a connection): it is a 503 at
/// once. Any other exception is a bug or a refusal that a retry cannot cure: it is not retried, and the API answers 500.
/// </summary>
public sealed class ChatCluster(IClusterClient client, ShardRoutedGrains grains, ResiliencePipelineProvider<string> pipelines)
{
    /// <summary>The resilience pipeline of calls that are safe to repeat (<see cref="ClusterCallPipeline"/>).</summary>
    public const string RetriesPipeline = "cluster-retries";

    private readonly ResiliencePipeline _retries = pipelines.GetPipeline(RetriesPipeline);

    public IClusterClient Client => client;

    /// <summary>Runs a call that is safe to repeat (a read, or a write the grain deduplicates).</summary>
    public async Task<T> RetryAsync<T>(Func<ShardRoutedGrains, Task<T>> call, CancellationToken cancellationToken = default)
    {
        try
        {
            // A grain call takes no cancellation token: a try abandoned at its timeout still runs to its end on the silo.
            // Repeating it is safe, which is why only these calls get retries.
            return await _retries.ExecuteAsync(
                static (attempt, token) => new ValueTask<T>(attempt.call(attempt.grains).WaitAsync(token)),
                (call, grains),
                cancellationToken);
        }
        catch (Exception exception) when (Unavailable(exception) is { } unavailable)
        {
            throw unavailable;
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

    /// <summary>
    /// The 503 a transient failure becomes, or null for an exception that is not transient (it propagates as it is). A
    /// retry budget spent (Polly's timeout) is a silo outage too: only silo failures are retried.
    /// </summary>
    private static ClusterUnavailableException? Unavailable(Exception exception) => exception switch
    {
        StorageUnavailableException => new ClusterUnavailableException(ClusterOutage.Storage, exception),
        _ when ClusterCallPipeline.IsSiloFailure(exception) => new ClusterUnavailableException(ClusterOutage.Silos, exception),
        _ => null,
    };
}

using Microsoft.Extensions.Options;
using Orleans.Runtime.Messaging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace WhatsApp.Gateway.Cluster;

/// <summary>
/// The resilience pipeline of the gateway's repeatable cluster calls, outermost first: the whole call's budget
/// (Gateway:ClusterRetryBudget), retries of silo failures with a short exponential backoff, and each try's timeout
/// (Gateway:ClusterAttemptTimeout), after which a try that got no answer is tried again.
/// </summary>
public static partial class ClusterCallPipeline
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    // Short, so that a send waiting out a dead silo goes through within half a second of the cluster placing its grains
    // elsewhere; at most two tries a second per waiting request is little load on the silos that remain.
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);

    public static IServiceCollection AddClusterCallPipeline(this IServiceCollection services)
    {
        // Each retry is logged here, once, as the gateway has always logged it (Polly's own warnings are off).
        services.AddResiliencePipeline(ChatCluster.RetriesPipeline, static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<ClusterCallOptions>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILogger<ChatCluster>>();
            pipeline
                .AddTimeout(options.ClusterRetryBudget)
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(IsSiloFailure),
                    BackoffType = DelayBackoffType.Exponential,
                    Delay = FirstDelay,
                    MaxDelay = MaxDelay,
                    MaxRetryAttempts = int.MaxValue,
                    UseJitter = false,
                    OnRetry = retry =>
                    {
                        if (retry.Outcome.Exception is { } failure)
                        {
                            LogRetrying(logger, retry.AttemptNumber + 1, failure.GetType().Name, failure.Message, retry.RetryDelay.TotalMilliseconds);
                        }

                        return ValueTask.CompletedTask;
                    },
                })
                .AddTimeout(options.ClusterAttemptTimeout);
        });
        return services;
    }

    /// <summary>
    /// The failures that waiting cures, by name: a silo that died or is leaving (<see cref="SiloUnavailableException"/> is
    /// one of the <see cref="OrleansMessageRejectionException"/>s), a broken connection to one, a gateway silo shedding
    /// load, a call caught in flight to a silo that died (it times out after Gateway:ClusterCallTimeout), and a try that
    /// got no answer within Gateway:ClusterAttemptTimeout.
    /// </summary>
    public static bool IsSiloFailure(Exception exception) =>
        exception is OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or TimeoutException
            or TimeoutRejectedException;

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Cluster call failed (attempt {Attempt}, {Error}: {Reason}); retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, int attempt, string error, string reason, double delayMs);
}

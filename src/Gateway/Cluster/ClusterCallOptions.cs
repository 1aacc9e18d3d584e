using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Cluster;

/// <summary>Configuration section "Gateway": how the gateway reaches the silos, and how long it waits for them.</summary>
public sealed class ClusterCallOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Whether the gateway keeps a client per shard, connected to that shard's silo alone, and sends each call through the
    /// one owning its grain's shard (otherwise a silo forwards two calls in three). Off: every call through one client.
    /// </summary>
    public bool ShardClients { get; set; } = true;

    /// <summary>How often the gateway compares the cluster's active silos with the last ones, to tell clients to catch up when one left.</summary>
    public TimeSpan SiloWatchInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the gateway re-reads, from the membership table, which silos it may send its calls through. A silo that
    /// stalls (frozen, swapping) keeps its connections open, so only this list tells the gateway to stop using it once
    /// the cluster has declared it dead; Orleans' default of a minute would hold every call sent through it that long.
    /// </summary>
    public TimeSpan SiloListRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idempotent cluster call is retried (a dead silo is detected within about five seconds) before 503.</summary>
    public TimeSpan ClusterRetryBudget { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long one cluster call may take. A request caught on its way to a silo that just died would otherwise wait the
    /// Orleans default of 30 s; the chat's grain calls take milliseconds, so a few seconds leaves room and lets retries work.
    /// </summary>
    public TimeSpan ClusterCallTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long one try of a call that is safe to repeat waits before it is abandoned and tried again. Requests the
    /// Orleans client had queued for a silo that was just killed get no answer at all until ClusterCallTimeout, however
    /// soon the cluster declares the silo dead; trying again sooner reaches the silo that took over. At most
    /// ClusterCallTimeout.
    /// </summary>
    public TimeSpan ClusterAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a search waits for each shard's directory. A shard that does not answer in time (its silo is being
    /// replaced, its database is down) is left out of the answer, which says so, rather than holding up the others.
    /// </summary>
    public TimeSpan SearchShardTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

public sealed class ClusterCallOptionsValidator : IValidateOptions<ClusterCallOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterCallOptions options) => ValidatedOptions.Check(
        (options.SiloWatchInterval > TimeSpan.Zero, "Gateway:SiloWatchInterval must be more than zero."),
        (options.SiloListRefreshInterval > TimeSpan.Zero, "Gateway:SiloListRefreshInterval must be more than zero."),
        (options.ClusterAttemptTimeout > TimeSpan.Zero && options.ClusterAttemptTimeout <= options.ClusterCallTimeout,
            "Gateway:ClusterAttemptTimeout must be more than zero and at most Gateway:ClusterCallTimeout."),
        (options.ClusterRetryBudget >= options.ClusterAttemptTimeout,
            "Gateway:ClusterRetryBudget must be at least Gateway:ClusterAttemptTimeout (room for one try)."),
        (options.SearchShardTimeout > TimeSpan.Zero, "Gateway:SearchShardTimeout must be more than zero."));
}

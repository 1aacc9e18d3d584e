namespace WhatsApp.Gateway.Hosting;

/// <summary>Configuration section "Gateway".</summary>
public sealed class GatewayApiOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Browser origins allowed to call the API and the hub, comma-separated (Gateway__AllowedOrigins).</summary>
    public string AllowedOrigins { get; set; } = "http://localhost:8080";

    /// <summary>Messages one user may send per second, sustained.</summary>
    public int SendsPerSecond { get; set; } = 10;

    /// <summary>Messages one user may send at once before the per-second rate applies.</summary>
    public int SendBurst { get; set; } = 30;

    /// <summary>How often the gateway renews its event subscriptions with user grains (they expire after two minutes).</summary>
    public TimeSpan ObserverRenewInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How many subscriptions the gateway renews at once. Each renewal is one quick grain call; running many together
    /// renews 10,000 connected users in seconds, and the bound keeps a renewal round from flooding the silos.
    /// </summary>
    public int ObserverRenewConcurrency { get; set; } = 64;

    /// <summary>
    /// How long the gateway trusts the token version it last learnt for a user without asking the user's grain again. A
    /// sign-out everywhere reaches every gateway at once; this bounds how long a token outlives it when that push was lost.
    /// </summary>
    public TimeSpan TokenVersionCacheDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Whether the gateway keeps a client per shard, connected to that shard's silo alone, and sends each call through the
    /// one owning its grain's shard (otherwise a silo forwards two calls in three). Off: every call through one client.
    /// </summary>
    public bool ShardClients { get; set; } = true;

    /// <summary>How often the gateway compares the cluster's active silos with the last ones, to tell clients to catch up when one left.</summary>
    public TimeSpan SiloWatchInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a stopping gateway spends telling user grains that its listeners are going away; within the host's
    /// shutdown timeout (30 s), so the Orleans client is still connected meanwhile.
    /// </summary>
    public TimeSpan ObserverUnsubscribeTimeout { get; set; } = TimeSpan.FromSeconds(5);

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

    /// <summary>
    /// How old the shards' health (GET /api/health/shards) may be. Every open chat tab polls it; reading it asks every
    /// silo and every shard database, so tabs share one read per this interval.
    /// </summary>
    public TimeSpan ShardHealthMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    public IReadOnlyList<string> AllowedOriginList =>
        AllowedOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

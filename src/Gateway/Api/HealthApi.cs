using System.Globalization;
using WhatsApp.Gateway.Hosting;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Health;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Gateway.Api;

public static class HealthApi
{
    /// <summary>The shards with their addresses, on the operator's port only (beside the dashboard).</summary>
    public const string OperatorShardsPath = "/operator/shards";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", HealthzAsync).WithTags("Health");
        app.MapGet("/api/health/shards", ShardsAsync).WithTags("Health");
        app.MapGet(OperatorShardsPath, OperatorShardsAsync).OnOperatorPort().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// 200 while the cluster answers: "ok", or "degraded" with the reason when the membership store does not answer
    /// (the silos serve with the members they know; none can join or be declared dead until it is back). 503 when no
    /// silo answers.
    /// </summary>
    private static async Task<IResult> HealthzAsync(ChatCluster cluster)
    {
        var storeAnswers = AnswersAsync(cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)); // reads the membership table
        IReadOnlyList<ActiveSilo> silos;
        try
        {
            silos = await cluster.Client.GetGrain<IMembershipViewGrain>(0).ActiveSilosAsync().WaitAsync(ProbeTimeout);
        }
        catch (Exception exception) when (IsUnanswered(exception))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "The chat cluster is not reachable.");
        }

        return await storeAnswers
            ? TypedResults.Ok(new { status = "ok", activeSilos = silos.Count })
            : TypedResults.Ok(new { status = "degraded", activeSilos = silos.Count, reason = MembershipStoreHealth.Away });
    }

    private static async Task<bool> AnswersAsync(Task call)
    {
        try
        {
            await call.WaitAsync(ProbeTimeout);
            return true;
        }
        catch (Exception exception) when (IsUnanswered(exception))
        {
            return false;
        }
    }

    /// <summary>No answer in time, or an error Orleans reports for a call it could not complete (a membership read that timed out is a cancellation).</summary>
    private static bool IsUnanswered(Exception exception) =>
        exception is TimeoutException or OrleansException or InvalidOperationException or OperationCanceledException;

    /// <summary>
    /// Each shard: its silo, activations and database (<see cref="ShardHealthSnapshot"/>), without where they are on the
    /// network: anyone may ask. Every open chat tab asks for this every few seconds, so the answer comes from a snapshot
    /// at most Gateway:ShardHealthMaxAge old.
    /// </summary>
    private static async Task<IResult> ShardsAsync(ShardHealthSnapshot snapshot, CancellationToken cancellationToken) =>
        TypedResults.Ok((await snapshot.CurrentAsync(cancellationToken)).Select(shard => shard with { Addresses = null }));

    /// <summary>The same, with the silos' and databases' addresses, for the operator on the dashboard's port.</summary>
    private static async Task<IResult> OperatorShardsAsync(ShardHealthSnapshot snapshot, CancellationToken cancellationToken) =>
        TypedResults.Ok(await snapshot.CurrentAsync(cancellationToken));

    /// <summary>
    /// Each shard, the silo that owns it, and its activations, as the cluster's members know each other (silos carry
    /// their shard in their name; a silo's own view answers also while the membership store is away), and its database
    /// as the silo serving the shard reaches it. A shard whose owner is down is served by the next shard's silo.
    /// </summary>
    internal static async Task<IReadOnlyList<ShardHealth>> ReadShardsAsync(ChatCluster cluster, int count, CancellationToken cancellationToken)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var members = await cluster.RetryAsync(_ => cluster.Client.GetGrain<IMembershipViewGrain>(0).ActiveSilosAsync(), cancellationToken);
        var owners = members
            .Select(member => (Shard: Shards.TryParseSiloName(member.Name, out var shard) ? shard : -1, Silo: member))
            .Where(owner => owner.Shard >= 0)
            .GroupBy(owner => owner.Shard)
            .ToDictionary(group => group.Key, group => group.MaxBy(owner => owner.Silo.Address.Generation).Silo);
        var statistics = owners.Count == 0
            ? []
            : await cluster.RetryAsync(_ => management.GetRuntimeStatistics([.. owners.Values.Select(owner => owner.Address)]), cancellationToken);
        var activations = owners.Values.Zip(statistics).ToDictionary(pair => pair.First, pair => pair.Second.ActivationCount);

        var databases = await Task.WhenAll(Enumerable.Range(0, count).Select(shard => ProbeDatabaseAsync(cluster, shard)));
        return [.. Enumerable.Range(0, count).Select(shard =>
        {
            var owner = owners.GetValueOrDefault(shard);
            var servedBy = Shards.Serving(shard, count, owners.ContainsKey) is { } serving ? owners[serving] : null;
            var database = databases[shard];
            return new ShardHealth(
                shard,
                Label(owner),
                owner is null ? "down" : "active",
                owner is null ? 0 : activations[owner],
                Label(servedBy),
                database is null ? null : $"database {database.Index}",
                database switch { null => "unknown", { IsUp: true } => "up", _ => "down" },
                database?.RoundTripMilliseconds,
                Addresses: new ShardAddresses(owner?.Address.ToParsableString(), servedBy?.Address.ToParsableString(), database?.Name));
        })];
    }

    /// <summary>A silo as anyone may see it: its name and generation, not its address.</summary>
    private static string? Label(ActiveSilo? silo) =>
        silo is null ? null : string.Create(CultureInfo.InvariantCulture, $"{silo.Name}@{silo.Address.Generation}");

    /// <summary>Where the product's grains are active, or null when no silo answers in time.</summary>
    internal static async Task<IReadOnlyList<GrainResidence>?> ReadResidencesAsync(ChatCluster cluster)
    {
        try
        {
            return await cluster.Client.GetGrain<IGrainResidenceGrain>(0).ListAsync().WaitAsync(ProbeTimeout);
        }
        catch (Exception exception) when (IsUnanswered(exception) || exception is Orleans.Serialization.SerializerException)
        {
            // Only the panel's failover counts need it: without it the shards are still shown. (A silo's failure that
            // Orleans cannot carry, such as a Redis client's timeout, arrives as a serializer exception.)
            return null;
        }
    }

    /// <summary>The shard's database as its serving silo sees it, or null when no silo answers for the shard in time.</summary>
    private static async Task<ShardDatabaseHealth?> ProbeDatabaseAsync(ChatCluster cluster, int shard)
    {
        try
        {
            return await cluster.Client.GetGrain<IShardDatabaseGrain>(shard).ProbeAsync().WaitAsync(ProbeTimeout);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException)
        {
            return null;
        }
    }
}

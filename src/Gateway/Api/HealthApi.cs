using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Hosting;
using WhatsApp.Gateway.Operations;
using WhatsApp.Grains.Abstractions.Operations;

namespace WhatsApp.Gateway.Api;

public static class HealthApi
{
    /// <summary>The shards with their addresses, on the operator's port only (beside the dashboard).</summary>
    public const string OperatorShardsPath = "/operator/shards";

    /// <summary>How long a health read waits for the cluster before it says it did not answer.</summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

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
    internal static bool IsUnanswered(Exception exception) =>
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
}

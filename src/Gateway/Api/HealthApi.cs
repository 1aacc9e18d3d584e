using WhatsApp.Gateway.Hosting;
using WhatsApp.Gateway.Operations;
using WhatsApp.Telemetry;

namespace WhatsApp.Gateway.Api;

public static class HealthApi
{
    /// <summary>The shards with their addresses, on the operator's port only (beside the dashboard).</summary>
    public const string OperatorShardsPath = "/operator/shards";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthz().WithTags("Health");
        app.MapGet("/api/health/shards", ShardsAsync).WithTags("Health");
        app.MapGet(OperatorShardsPath, OperatorShardsAsync).OnOperatorPort().ExcludeFromDescription();
        return app;
    }

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

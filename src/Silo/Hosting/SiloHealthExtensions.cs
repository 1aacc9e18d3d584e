using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using WhatsApp.Grains.Abstractions.Operations;

namespace WhatsApp.Silo.Hosting;

public static class SiloHealthExtensions
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// GET /healthz on the metrics port: 200 "ok" with the active silos this silo knows of, or "degraded" with the reason
    /// when its membership store (Redis) does not answer a read within 3 s; the silo keeps serving meanwhile.
    /// </summary>
    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (IClusterMembershipService membership, IMembershipTable table, CancellationToken cancellationToken) =>
        {
            var activeSilos = membership.CurrentSnapshot.Members.Values.Count(member => member.Status == SiloStatus.Active);
            try
            {
                await table.ReadAllAsync(cancellationToken).WaitAsync(ProbeTimeout, cancellationToken);
                return Results.Ok(new { status = "ok", activeSilos });
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not OutOfMemoryException)
            {
                // Whatever the store's client throws (a timeout, a refused connection, a cancellation of its own) means the same here.
                return Results.Ok(new { status = "degraded", activeSilos, reason = MembershipStoreHealth.Away });
            }
        });
        return app;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using WhatsApp.Grains.Abstractions.Operations;
using WhatsApp.Telemetry;

namespace WhatsApp.Silo.Hosting;

public static class SiloHealthExtensions
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The silo's health: the active silos it knows of, and "degraded" with the reason when its membership store (Redis)
    /// does not answer a read within 3 s; the silo keeps serving meanwhile.
    /// </summary>
    public static WebApplicationBuilder AddSiloHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<KnownSilosHealthCheck>("silos")
            .AddCheck<MembershipStoreHealthCheck>("membership-store");
        return builder;
    }

    /// <summary>GET /healthz on the metrics port (<see cref="HealthzEndpoint"/>).</summary>
    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthz();
        return app;
    }

    private sealed class KnownSilosHealthCheck(IClusterMembershipService membership) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            Task.FromResult(HealthCheckResult.Healthy(data: new Dictionary<string, object>
            {
                [HealthzEndpoint.ActiveSilosKey] = membership.CurrentSnapshot.Members.Values.Count(member => member.Status == SiloStatus.Active),
            }));
    }

    private sealed class MembershipStoreHealthCheck(IMembershipTable table) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                await table.ReadAllAsync(cancellationToken).WaitAsync(ProbeTimeout, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not OutOfMemoryException)
            {
                // Whatever the store's client throws (a timeout, a refused connection, a cancellation of its own) means the same here.
                return HealthCheckResult.Degraded(MembershipStoreHealth.Away, exception);
            }
        }
    }
}

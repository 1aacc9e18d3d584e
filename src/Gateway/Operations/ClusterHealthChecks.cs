using Microsoft.Extensions.Diagnostics.HealthChecks;
using WhatsApp.Grains.Abstractions.Operations;
using WhatsApp.Telemetry;

namespace WhatsApp.Gateway.Operations;

/// <summary>Healthy while a silo answers, with the active silos it knows of; unhealthy (503) when none does.</summary>
internal sealed class SilosAnswerHealthCheck(IClusterClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            var silos = await client.GetGrain<IMembershipViewGrain>(0).ActiveSilosAsync().WaitAsync(ClusterProbe.Timeout, cancellationToken);
            return HealthCheckResult.Healthy(data: new Dictionary<string, object> { [HealthzEndpoint.ActiveSilosKey] = silos.Count });
        }
        catch (Exception exception) when (ClusterProbe.IsUnanswered(exception) && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The chat cluster is not reachable.", exception);
        }
    }
}

/// <summary>
/// Degraded while the membership store does not answer a read through the silos: they serve with the members they know,
/// and none can join or be declared dead until it is back.
/// </summary>
internal sealed class MembershipStoreHealthCheck(IClusterClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken).WaitAsync(ClusterProbe.Timeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (ClusterProbe.IsUnanswered(exception) && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded(MembershipStoreHealth.Away, exception);
        }
    }
}

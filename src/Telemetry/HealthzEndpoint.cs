using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WhatsApp.Telemetry;

/// <summary>
/// GET /healthz of the gateway and of each silo, from the host's registered health checks: 200 "ok" with the active
/// silos; 200 "degraded" with the reason while a check is degraded (the host serves meanwhile); 503 when one fails.
/// </summary>
public static class HealthzEndpoint
{
    public const string Path = "/healthz";

    /// <summary>The key under which a check reports how many silos are active (the answer's "activeSilos").</summary>
    public const string ActiveSilosKey = "activeSilos";

    public static RouteHandlerBuilder MapHealthz(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, async (HealthCheckService health, CancellationToken cancellationToken) =>
        {
            var report = await health.CheckHealthAsync(cancellationToken);
            var activeSilos = report.Entries.Values
                .Select(entry => entry.Data.TryGetValue(ActiveSilosKey, out var count) ? count as int? : null)
                .FirstOrDefault(count => count is not null) ?? 0;
            return report.Status switch
            {
                HealthStatus.Healthy => Results.Ok(new { status = "ok", activeSilos }),
                HealthStatus.Degraded => Results.Ok(new { status = "degraded", activeSilos, reason = FirstReason(report, HealthStatus.Degraded) }),
                _ => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: FirstReason(report, HealthStatus.Unhealthy)),
            };
        });

    private static string? FirstReason(HealthReport report, HealthStatus status) =>
        report.Entries.Values.Where(entry => entry.Status == status).Select(entry => entry.Description).FirstOrDefault();
}

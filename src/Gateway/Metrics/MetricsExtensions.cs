using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using WhatsApp.Telemetry;

namespace WhatsApp.Gateway.Metrics;

public static class MetricsExtensions
{
    /// <summary>
    /// OpenTelemetry metrics in Prometheus text format at /metrics: the gateway's own meter, the Orleans client's, the
    /// .NET runtime's (GC heap, allocations, thread pool) and ASP.NET Core's (requests, Kestrel and SignalR connections).
    /// Nothing is collected between scrapes: observable instruments run when /metrics is read.
    /// </summary>
    public static IHostApplicationBuilder AddChatMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("whatsapp-gateway"))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayMetrics.MeterName)
                .AddMeter("Microsoft.Orleans")
                .AddMeter("System.Runtime")
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
                .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// Traces message sends from here through the cluster (the gateway's spans: the send it took and the pushes it made
    /// to browsers), kept in memory for messages' paths; with Tracing:OtlpEndpoint, also sent to that collector.
    /// </summary>
    public static IHostApplicationBuilder AddChatTraces(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRecentSpans(_ => $"gateway (process {Environment.ProcessId})");
        builder.AddChatTracing();
        return builder;
    }

    public static WebApplication MapChatMetrics(this WebApplication app)
    {
        // Built now rather than at the first send, so the connection gauges exist from the first scrape on.
        app.Services.GetRequiredService<GatewayMetrics>();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}

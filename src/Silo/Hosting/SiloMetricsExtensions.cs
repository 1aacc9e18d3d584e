using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using WhatsApp.Telemetry;

namespace WhatsApp.Silo.Hosting;

public static class SiloMetricsExtensions
{
    /// <summary>
    /// Serves this silo's OpenTelemetry metrics in Prometheus text format at /metrics on Metrics:Port (9400 + shard by
    /// default): Orleans' runtime meter, the chat grains' own meter, the .NET runtime's (GC heap, allocations, thread pool)
    /// and Npgsql's (connections, commands). Kestrel serves nothing else here but /healthz (<see cref="SiloHealthExtensions"/>).
    /// </summary>
    public static WebApplicationBuilder AddSiloMetrics(this WebApplicationBuilder builder, SiloSettings settings)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // As for the silo's own ports: a silo advertised on loopback is only for this machine; any other address or
            // a host name (a compose service) means others must reach it.
            if (IPAddress.TryParse(settings.Orleans.AdvertisedHost, out var address) && IPAddress.IsLoopback(address))
            {
                kestrel.Listen(address, settings.MetricsPort);
            }
            else
            {
                kestrel.ListenAnyIP(settings.MetricsPort);
            }
        });

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("whatsapp-silo", serviceInstanceId: $"shard-{settings.Shard.Index}"))
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans")
                // The chat grains' meter (sends, send latency, commit batches), created in src/Grains.
                .AddMeter("WhatsApp.Chat")
                .AddMeter("System.Runtime")
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// Traces message sends through this silo (Orleans' grain calls, the commits, Npgsql's statements), kept in memory
    /// for messages' paths; with Tracing:OtlpEndpoint, also sent to that collector.
    /// </summary>
    public static WebApplicationBuilder AddSiloTraces(this WebApplicationBuilder builder)
    {
        builder.AddChatTracing(tracing => tracing.AddNpgsql());
        return builder;
    }

    /// <summary>The scrape endpoint. Observable instruments (Orleans' gauges among them) run once per scrape, not on a timer.</summary>
    public static WebApplication MapSiloMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}

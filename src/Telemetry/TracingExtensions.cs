using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Telemetry;

public static class TracingExtensions
{
    /// <summary>
    /// Traces message sends (<see cref="MessageSendSampler"/>) through the chat's own spans, Orleans' grain calls and
    /// whatever else <paramref name="configure"/> adds (ASP.NET Core, Npgsql), keeps them in <see cref="RecentSpans"/>
    /// and, when Tracing:OtlpEndpoint is set, exports them to that collector too.
    /// </summary>
    public static IHostApplicationBuilder AddChatTracing(this IHostApplicationBuilder builder, Action<TracerProviderBuilder>? configure = null)
    {
        builder.Services.AddValidatedOptions<TracingOptions, TracingOptionsValidator>(TracingOptions.SectionName);
        var settings = builder.Configuration.GetSection(TracingOptions.SectionName).Get<TracingOptions>() ?? new TracingOptions();
        if (!settings.Enabled)
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry().WithTracing(tracing =>
        {
            tracing.SetSampler(new MessageSendSampler())
                .AddSource(ChatTracing.SourceName, "Microsoft.Orleans.Application")
                .AddProcessor(services => services.GetRequiredService<RecentSpans>());
            configure?.Invoke(tracing);
            if (settings.OtlpEndpoint is { } collector)
            {
                tracing.AddOtlpExporter(otlp => otlp.Endpoint = collector);
            }
        });
        return builder;
    }

    /// <summary>
    /// The store of this process's recent spans, labelled with where they ran (a silo and its shard, a gateway). The
    /// first registration wins: a silo registers it with its grains, and then its host adds the tracing.
    /// </summary>
    public static IServiceCollection AddRecentSpans(this IServiceCollection services, Func<IServiceProvider, string> where)
    {
        services.AddOptions<TracingOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new RecentSpans(
            provider.GetRequiredService<IOptions<TracingOptions>>(), provider.GetRequiredService<TimeProvider>(), where(provider)));
        return services;
    }
}

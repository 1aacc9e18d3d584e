using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Operations;

public static class OperationsExtensions
{
    /// <summary>The gateway's health (/healthz, from ASP.NET Core health checks) and the shards' health read model.</summary>
    public static IHostApplicationBuilder AddChatHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<SilosAnswerHealthCheck>("silos")
            .AddCheck<MembershipStoreHealthCheck>("membership-store");
        builder.Services.AddValidatedOptions<ShardHealthOptions, ShardHealthOptionsValidator>(ShardHealthOptions.SectionName);
        builder.Services.AddSingleton<ShardHealthSnapshot>();
        builder.Services.AddSingleton<ShardFailovers>();
        return builder;
    }
}

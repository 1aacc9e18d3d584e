using Microsoft.AspNetCore.SignalR;
using WhatsApp.Gateway.Api;
using WhatsApp.Gateway.Auth;

namespace WhatsApp.Gateway.Realtime;

public static class RealtimeExtensions
{
    public static IHostApplicationBuilder AddChatRealtime(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HubLimitOptions>().BindConfiguration(HubLimitOptions.SectionName)
            .Validate(limits => limits.CallsPerSecondPerConnection >= 1, "Hub:CallsPerSecondPerConnection must be at least 1.")
            .Validate(limits => limits.CallBurstPerConnection >= 1, "Hub:CallBurstPerConnection must be at least 1.")
            .Validate(limits => limits.MaxConnectionsPerUser >= 1, "Hub:MaxConnectionsPerUser must be at least 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ChatHubFilter>();
        builder.Services.AddSignalR(hub => hub.AddFilter<ChatHubFilter>())
            .AddJsonProtocol(json => ContractJson.Configure(json.PayloadSerializerOptions));
        builder.Services.AddSingleton<UserEventBridge>();
        builder.Services.AddHostedService(services => services.GetRequiredService<UserEventBridge>());
        builder.Services.AddHostedService<SiloDepartureWatch>();
        return builder;
    }

    public static IEndpointRouteBuilder MapChatHub(this IEndpointRouteBuilder app)
    {
        // A connection is authenticated once, when it opens: without this it would outlive its token by hours.
        app.MapHub<ChatHub>(AuthenticationExtensions.HubPath, connection => connection.CloseOnAuthenticationExpiration = true);
        return app;
    }
}

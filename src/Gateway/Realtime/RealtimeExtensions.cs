using Microsoft.AspNetCore.SignalR;
using WhatsApp.Gateway.Api;
using WhatsApp.Gateway.Auth;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Realtime;

public static class RealtimeExtensions
{
    public static IHostApplicationBuilder AddChatRealtime(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HubLimitOptions, HubLimitOptionsValidator>(HubLimitOptions.SectionName);
        builder.Services.AddValidatedOptions<ListenerOptions, ListenerOptionsValidator>(ListenerOptions.SectionName);
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

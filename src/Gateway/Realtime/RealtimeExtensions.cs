using WhatsApp.Gateway.Api;
using WhatsApp.Gateway.Auth;

namespace WhatsApp.Gateway.Realtime;

public static class RealtimeExtensions
{
    public static IHostApplicationBuilder AddChatRealtime(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR().AddJsonProtocol(json => ApiExtensions.ConfigureContractJson(json.PayloadSerializerOptions));
        builder.Services.AddSingleton<HubSendLimiter>();
        builder.Services.AddSingleton<UserEventBridge>();
        builder.Services.AddHostedService(services => services.GetRequiredService<UserEventBridge>());
        builder.Services.AddHostedService<SiloDepartureWatch>();
        return builder;
    }

    public static IEndpointRouteBuilder MapChatHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<ChatHub>(AuthenticationExtensions.HubPath);
        return app;
    }
}

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
        return builder;
    }

    public static IEndpointRouteBuilder MapChatHub(this IEndpointRouteBuilder app)
    {
        // A connection is authenticated once, when it opens: without this it would outlive its token by hours.
        app.MapHub<ChatHub>(AuthenticationExtensions.HubPath, connection => connection.CloseOnAuthenticationExpiration = true);
        return app;
    }
}

namespace WhatsApp.Gateway.Application;

public static class ApplicationExtensions
{
    /// <summary>The chat's and groups' operations, shared by the REST endpoints and the hub, and the per-user send allowance both apply.</summary>
    public static IHostApplicationBuilder AddChatApplication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChatService>();
        builder.Services.AddSingleton<GroupService>();
        builder.Services.AddSingleton<SendAllowance>();
        return builder;
    }
}

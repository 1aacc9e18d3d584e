using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Application;

public static class ApplicationExtensions
{
    /// <summary>
    /// The chat's and groups' operations, shared by the REST endpoints and the hub, the per-user send allowance both
    /// apply, and messages' paths.
    /// </summary>
    public static IHostApplicationBuilder AddChatApplication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChatService>();
        builder.Services.AddSingleton<MediaService>();
        builder.Services.AddValidatedOptions<UploadBandwidthOptions, UploadBandwidthOptionsValidator>(UploadBandwidthOptions.SectionName);
        builder.Services.AddSingleton<UploadBandwidth>();
        builder.Services.AddSingleton<GroupService>();
        builder.Services.AddValidatedOptions<SendLimitOptions, SendLimitOptionsValidator>(SendLimitOptions.SectionName);
        builder.Services.AddSingleton<SendAllowance>();
        builder.Services.AddSingleton<MessagePaths>();
        return builder;
    }
}

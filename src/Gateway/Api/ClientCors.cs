using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Api;

/// <summary>Which browser origins may call the API and the hub: the web client's, from Gateway:AllowedOrigins.</summary>
public static class ClientCors
{
    public const string PolicyName = "client";

    public static IServiceCollection AddClientCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddValidatedOptions<ClientOriginOptions, ClientOriginOptionsValidator>(ClientOriginOptions.SectionName);
        services.AddOptions<CorsOptions>().Configure<IOptions<ClientOriginOptions>>((cors, options) => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins([.. options.Value.AllowedOriginList])
            .AllowAnyHeader()
            .AllowAnyMethod()
            .WithExposedHeaders(MediaApi.UploadOffsetHeader, "Location", "ETag", "Content-Range", "Content-Disposition")
            .AllowCredentials()));
        return services;
    }
}

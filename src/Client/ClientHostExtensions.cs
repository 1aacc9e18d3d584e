using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WhatsApp.Client;

public static class ClientHostExtensions
{
    /// <summary>Listens on :8080 unless urls are configured (--urls, ASPNETCORE_URLS), and reads Client:GatewayUrl.</summary>
    public static WebApplicationBuilder AddChatClientHost(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls("http://localhost:8080");
        }

        builder.Services.AddOptions<ClientOptions>().BindConfiguration(ClientOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ClientOptions>, ClientOptionsValidator>();
        builder.AddClusterControl();
        return builder;
    }

    /// <summary>
    /// The page, its configuration (GET /config.json) and a Content-Security-Policy that lets scripts come only from
    /// here and connections go only to the gateway: even if a message slipped past the text-only rendering, no injected
    /// script could run or send data anywhere. Pictures and sound may also be blob: URLs, the page's own copies of the
    /// media it downloaded with the user's token (a thumbnail is a data: URL).
    /// </summary>
    public static WebApplication MapChatClient(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ClientOptions>>().Value;
        var gateway = options.GatewayUrl;
        var origin = gateway.GetLeftPart(UriPartial.Authority);
        var socketOrigin = (gateway.Scheme == "https" ? "wss://" : "ws://") + gateway.Authority;
        var policy = $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' {origin} {socketOrigin}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

        app.Use(async (context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = policy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-cache";
            await next();
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        // Without a dashboard address the field is left out, and the page shows no link; without the launcher, no buttons.
        app.MapGet("/config.json", () => Results.Json(new PageConfiguration(origin, options.DashboardUrl?.AbsoluteUri, options.HasControl ? true : null)));
        app.MapClusterControl();
        return app;
    }

    private sealed record PageConfiguration(
        string GatewayUrl,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DashboardUrl,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Controls);
}

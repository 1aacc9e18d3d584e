using System.Globalization;
using WhatsApp.Grains.Abstractions.Media;

namespace WhatsApp.Gateway.Api;

/// <summary>How much a request may carry: the contract's bodies are small, so anything larger is refused before it is read.</summary>
public static class RequestLimits
{
    public const int MaxRequestBodyBytes = 64 * 1024;

    public static string BodyTooLargeDetail { get; } =
        string.Create(CultureInfo.InvariantCulture, $"The request body is larger than {MaxRequestBodyBytes / 1024} KiB.");

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;

            // What Kestrel reads ahead of the application per connection (1 MiB by default): an upload streams through
            // one chunk at a time, so reading further ahead only holds memory per upload without making it faster.
            kestrel.Limits.MaxRequestBufferSize = MediaLimits.ChunkBytes;
        });
        return builder;
    }
}

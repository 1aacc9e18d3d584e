using System.Globalization;

namespace WhatsApp.Gateway.Api;

/// <summary>How much a request may carry: the contract's bodies are small, so anything larger is refused before it is read.</summary>
public static class RequestLimits
{
    public const int MaxRequestBodyBytes = 64 * 1024;

    public static string BodyTooLargeDetail { get; } =
        string.Create(CultureInfo.InvariantCulture, $"The request body is larger than {MaxRequestBodyBytes / 1024} KiB.");

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        return builder;
    }
}

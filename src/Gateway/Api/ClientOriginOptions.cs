using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Api;

/// <summary>Configuration section "Gateway": the browser origins of the web client (<see cref="ClientCors"/>).</summary>
public sealed class ClientOriginOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Browser origins allowed to call the API and the hub, comma-separated (Gateway__AllowedOrigins).</summary>
    public string AllowedOrigins { get; set; } = "http://localhost:8080";

    public IReadOnlyList<string> AllowedOriginList =>
        AllowedOrigins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class ClientOriginOptionsValidator : IValidateOptions<ClientOriginOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientOriginOptions options) => ValidatedOptions.Check(
        (options.AllowedOriginList.All(origin => Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
            "Gateway:AllowedOrigins must be http(s) origins, comma-separated."));
}

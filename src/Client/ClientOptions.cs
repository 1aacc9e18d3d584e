namespace WhatsApp.Client;

/// <summary>Configuration section "Client".</summary>
public sealed class ClientOptions
{
    public const string SectionName = "Client";

    /// <summary>Where browsers reach the gateway (Client__GatewayUrl): the address as seen from the browser, not from this host.</summary>
    public Uri GatewayUrl { get; set; } = new("http://localhost:3000");
}

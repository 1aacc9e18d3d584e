namespace WhatsApp.Client;

/// <summary>Configuration section "Client".</summary>
public sealed class ClientOptions
{
    public const string SectionName = "Client";

    /// <summary>Where browsers reach the gateway (Client__GatewayUrl): the address as seen from the browser, not from this host.</summary>
    public Uri GatewayUrl { get; set; } = new("http://localhost:3000");

    /// <summary>
    /// The Orleans dashboard as an operator's browser reaches it (Client__DashboardUrl). Unset by default: the dashboard
    /// is for operators, so the chat links it only when whoever runs this client asks for it.
    /// </summary>
    public Uri? DashboardUrl { get; set; }
}

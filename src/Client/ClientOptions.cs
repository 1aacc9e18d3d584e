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

    /// <summary>
    /// The launcher's control endpoint (Client__ControlUrl), which ./run sets for the machine's own operator: with it,
    /// the Cluster panel offers to stop and start each shard's silo and database. Compose and bare hosts leave it unset,
    /// and the page shows no such buttons.
    /// </summary>
    public Uri? ControlUrl { get; set; }

    /// <summary>The secret the launcher expects (Client__ControlSecret). This host presents it; browsers never see it.</summary>
    public string? ControlSecret { get; set; }

    public bool HasControl => ControlUrl is not null;
}

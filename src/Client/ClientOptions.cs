using Microsoft.Extensions.Options;

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

public sealed class ClientOptionsValidator : IValidateOptions<ClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (!IsWebAddress(options.GatewayUrl))
        {
            result.AddError("Client:GatewayUrl must be an absolute http(s) URL.");
        }

        if (options.DashboardUrl is not null && !IsWebAddress(options.DashboardUrl))
        {
            result.AddError("Client:DashboardUrl must be an absolute http(s) URL when it is set.");
        }

        if (options.ControlUrl is not null && !(IsWebAddress(options.ControlUrl) && options.ControlUrl.IsLoopback))
        {
            result.AddError("Client:ControlUrl must be an http URL on a loopback address when it is set.");
        }

        if (options.HasControl != !string.IsNullOrEmpty(options.ControlSecret))
        {
            result.AddError("Client:ControlUrl and Client:ControlSecret go together: set both or neither.");
        }

        return result.Build();
    }

    private static bool IsWebAddress(Uri address) => address.IsAbsoluteUri && address.Scheme is "http" or "https";
}

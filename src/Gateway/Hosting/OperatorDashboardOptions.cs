using System.Net;

namespace WhatsApp.Gateway.Hosting;

/// <summary>
/// Configuration section "Dashboard": where the Orleans dashboard listens. It shows grain state and live logs, so it
/// gets a port of its own, on loopback unless an operator says otherwise (a container publishes it on the host's
/// loopback instead).
/// </summary>
public sealed class OperatorDashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The dashboard's path on its port, as in the design's contract.</summary>
    public const string Path = "/dashboard";

    /// <summary>The address the dashboard listens on (Dashboard__Host): an IP address or "localhost".</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The dashboard's port (Dashboard__Port); the API's port never serves it.</summary>
    public int Port { get; set; } = 3001;

    /// <summary>
    /// Host names, besides loopback ones and Host itself, that browsers may reach the dashboard by
    /// (Dashboard__AllowedHosts, comma-separated): a page of another site that resolves its own name to this machine
    /// (DNS rebinding) sends its own name, and is refused.
    /// </summary>
    public string AllowedHosts { get; set; } = string.Empty;

    /// <summary>Whether a request that names this host (its Host header, without the port) may see the dashboard.</summary>
    public bool Answers(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && (IPAddress.IsLoopback(address) || address.ToString() == Host))
        || host.Equals(Host, StringComparison.OrdinalIgnoreCase)
        || AllowedHosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains(host, StringComparer.OrdinalIgnoreCase);

    /// <summary>What Kestrel listens on for the dashboard, e.g. http://127.0.0.1:3001.</summary>
    public string ListenUrl => $"http://{(IPAddress.TryParse(Host, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : Host)}:{Port}";

    /// <summary>What is wrong with these settings, naming the key, or null when they can be used.</summary>
    public string? Problem(IEnumerable<int> apiPorts) =>
        Host != "localhost" && !IPAddress.TryParse(Host, out _) ? $"{SectionName}:Host must be an IP address or \"localhost\"; it is \"{Host}\"."
        : Port is < 1 or > 65535 ? $"{SectionName}:Port must be 1 to 65535; it is {Port}."
        : apiPorts.Contains(Port) ? $"{SectionName}:Port must differ from the API's port ({Port}): the API's port never serves the dashboard."
        : null;
}

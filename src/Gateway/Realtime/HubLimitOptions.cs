namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// Configuration section "Hub": how much one user may ask of the hub. Every hub method counts (sends also use the
/// send allowance of section "Gateway"); the counts are per gateway process.
/// </summary>
public sealed class HubLimitOptions
{
    public const string SectionName = "Hub";

    /// <summary>Hub calls one connection may make per second, sustained (Hub__CallsPerSecondPerConnection).</summary>
    public int CallsPerSecondPerConnection { get; set; } = 20;

    /// <summary>Hub calls one connection may make at once before the per-second rate applies (Hub__CallBurstPerConnection).</summary>
    public int CallBurstPerConnection { get; set; } = 100;

    /// <summary>Hub calls all of one user's connections may make per second together (Hub__CallsPerSecondPerUser).</summary>
    public int CallsPerSecondPerUser { get; set; } = 50;

    /// <summary>Hub calls all of one user's connections may make at once together (Hub__CallBurstPerUser).</summary>
    public int CallBurstPerUser { get; set; } = 200;

    /// <summary>Hub connections one user may hold open at once, tabs and devices together (Hub__MaxConnectionsPerUser).</summary>
    public int MaxConnectionsPerUser { get; set; } = 10;
}

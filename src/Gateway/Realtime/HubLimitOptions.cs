using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// Configuration section "Hub": how much one connection may ask of the hub, and how many one user may hold. Every hub
/// method also counts against the user's allowance of section "Allowance" (sends against the send allowance of section
/// "Gateway" too); the counts are per gateway process.
/// </summary>
public sealed class HubLimitOptions
{
    public const string SectionName = "Hub";

    /// <summary>Hub calls one connection may make per second, sustained (Hub__CallsPerSecondPerConnection).</summary>
    public int CallsPerSecondPerConnection { get; set; } = 20;

    /// <summary>Hub calls one connection may make at once before the per-second rate applies (Hub__CallBurstPerConnection).</summary>
    public int CallBurstPerConnection { get; set; } = 100;

    /// <summary>Hub connections one user may hold open at once, tabs and devices together (Hub__MaxConnectionsPerUser).</summary>
    public int MaxConnectionsPerUser { get; set; } = 10;
}

public sealed class HubLimitOptionsValidator : IValidateOptions<HubLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, HubLimitOptions options) => ValidatedOptions.Check(
        (options.CallsPerSecondPerConnection >= 1, "Hub:CallsPerSecondPerConnection must be at least 1."),
        (options.CallBurstPerConnection >= 1, "Hub:CallBurstPerConnection must be at least 1."),
        (options.MaxConnectionsPerUser >= 1, "Hub:MaxConnectionsPerUser must be at least 1."));
}

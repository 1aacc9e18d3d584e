using System.Net;
using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Allowances;

/// <summary>
/// Configuration section "Allowance": what one user, or one client address before it signs in, may ask of a gateway.
/// Each authenticated REST route and hub method has a cost (<see cref="CostAttribute"/>, 1 unless it says more); the
/// counts are per gateway process.
/// </summary>
public sealed class AllowanceOptions
{
    public const string SectionName = "Allowance";

    /// <summary>Cost one user may spend per second, REST and hub together, sustained (Allowance__CostPerSecondPerUser).</summary>
    public int CostPerSecondPerUser { get; set; } = 50;

    /// <summary>Cost one user may spend at once before the per-second rate applies (Allowance__CostBurstPerUser).</summary>
    public int CostBurstPerUser { get; set; } = 200;

    /// <summary>Registrations one client address may make at once (Allowance__RegistrationBurstPerAddress).</summary>
    public int RegistrationBurstPerAddress { get; set; } = 10;

    /// <summary>Registrations one client address may make per minute, sustained (Allowance__RegistrationsPerMinutePerAddress).</summary>
    public int RegistrationsPerMinutePerAddress { get; set; } = 2;

    /// <summary>Sign-ins (right or wrong) one client address may try at once (Allowance__SignInBurstPerAddress).</summary>
    public int SignInBurstPerAddress { get; set; } = 30;

    /// <summary>Sign-ins one client address may try per minute, sustained (Allowance__SignInsPerMinutePerAddress).</summary>
    public int SignInsPerMinutePerAddress { get; set; } = 10;

    /// <summary>
    /// Addresses of reverse proxies in front of the gateway, comma-separated (Allowance__TrustedProxies): only requests
    /// from these have their X-Forwarded-For honoured, so nobody else can claim a fresh address per request. Empty: the
    /// connection's own address counts, and forwarded headers are ignored.
    /// </summary>
    public string TrustedProxies { get; set; } = string.Empty;

    public IReadOnlyList<string> TrustedProxyList =>
        TrustedProxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed class AllowanceOptionsValidator : IValidateOptions<AllowanceOptions>
{
    public ValidateOptionsResult Validate(string? name, AllowanceOptions options) => ValidatedOptions.Check(
        (options.CostPerSecondPerUser >= 1, "Allowance:CostPerSecondPerUser must be at least 1."),
        (options.CostBurstPerUser >= 1, "Allowance:CostBurstPerUser must be at least 1."),
        (options.RegistrationBurstPerAddress >= 1, "Allowance:RegistrationBurstPerAddress must be at least 1."),
        (options.RegistrationsPerMinutePerAddress >= 1, "Allowance:RegistrationsPerMinutePerAddress must be at least 1."),
        (options.SignInBurstPerAddress >= 1, "Allowance:SignInBurstPerAddress must be at least 1."),
        (options.SignInsPerMinutePerAddress >= 1, "Allowance:SignInsPerMinutePerAddress must be at least 1."),
        (options.TrustedProxyList.All(proxy => IPAddress.TryParse(proxy, out _)), "Allowance:TrustedProxies must be IP addresses, comma-separated."));
}

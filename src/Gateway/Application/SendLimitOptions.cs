using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Application;

/// <summary>Configuration section "Gateway": each user's allowance of messages (<see cref="SendAllowance"/>).</summary>
public sealed class SendLimitOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Messages one user may send per second, sustained.</summary>
    public int SendsPerSecond { get; set; } = 10;

    /// <summary>Messages one user may send at once before the per-second rate applies.</summary>
    public int SendBurst { get; set; } = 30;
}

public sealed class SendLimitOptionsValidator : IValidateOptions<SendLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, SendLimitOptions options) => ValidatedOptions.Check(
        (options.SendsPerSecond >= 1 && options.SendBurst >= 1,
            "Gateway:SendsPerSecond and Gateway:SendBurst must be at least 1."));
}

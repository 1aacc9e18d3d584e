using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Operations;

/// <summary>Configuration section "Gateway": how fresh the shards' health (<see cref="ShardHealthSnapshot"/>) is.</summary>
public sealed class ShardHealthOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// How old the shards' health (GET /api/health/shards) may be. Every open chat tab polls it; reading it asks every
    /// silo and every shard database, so tabs share one read per this interval.
    /// </summary>
    public TimeSpan ShardHealthMaxAge { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class ShardHealthOptionsValidator : IValidateOptions<ShardHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, ShardHealthOptions options) => ValidatedOptions.Check(
        (options.ShardHealthMaxAge > TimeSpan.Zero,
            "Gateway:ShardHealthMaxAge must be more than zero."));
}

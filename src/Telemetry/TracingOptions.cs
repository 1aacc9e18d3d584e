using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Telemetry;

/// <summary>Configuration section "Tracing".</summary>
public sealed class TracingOptions
{
    public const string SectionName = "Tracing";

    /// <summary>
    /// Whether message sends are traced, every one, for message info's path (Tracing__Enabled). Off by default: recording
    /// every send costs a saturated cluster up to a fifth of its REST sends (docs/performance.md); ./run, the learner's
    /// local run, turns it on.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>How long this process keeps its spans in memory for message paths (Tracing__KeepFor).</summary>
    public TimeSpan KeepFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most spans kept in memory, whatever their age (Tracing__MaxSpans): bounds memory under load.</summary>
    public int MaxSpans { get; set; } = 20_000;

    /// <summary>An OpenTelemetry collector to send the traces to as well (Tracing__OtlpEndpoint), e.g. http://127.0.0.1:4317.</summary>
    public Uri? OtlpEndpoint { get; set; }
}

public sealed class TracingOptionsValidator : IValidateOptions<TracingOptions>
{
    public ValidateOptionsResult Validate(string? name, TracingOptions options) => ValidatedOptions.Check(
        (options.KeepFor > TimeSpan.Zero && options.MaxSpans > 0, "Tracing:KeepFor and Tracing:MaxSpans must be more than zero."),
        (options.OtlpEndpoint is null || options.OtlpEndpoint.IsAbsoluteUri, "Tracing:OtlpEndpoint must be an absolute URL when it is set."));
}

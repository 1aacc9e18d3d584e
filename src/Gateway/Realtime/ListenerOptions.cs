using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Cluster;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Realtime;

/// <summary>Configuration section "Gateway": how the gateway keeps its listeners on user grains, which push to the open tabs.</summary>
public sealed class ListenerOptions
{
    public const string SectionName = "Gateway";

    /// <summary>How often the gateway renews its event subscriptions with user grains (they expire after two minutes).</summary>
    public TimeSpan ObserverRenewInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How many subscriptions the gateway renews at once. Each renewal is one quick grain call; running many together
    /// renews 10,000 connected users in seconds, and the bound keeps a renewal round from flooding the silos.
    /// </summary>
    public int ObserverRenewConcurrency { get; set; } = 64;

    /// <summary>
    /// How long a stopping gateway spends telling user grains that its listeners are going away; within the host's
    /// shutdown timeout (30 s), so the Orleans client is still connected meanwhile.
    /// </summary>
    public TimeSpan ObserverUnsubscribeTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Checks the listeners' timing against how long the silos keep a listener (Chat:ObserverExpiry, shared with the silos).</summary>
public sealed class ListenerOptionsValidator(IConfiguration configuration) : IValidateOptions<ListenerOptions>
{
    public ValidateOptionsResult Validate(string? name, ListenerOptions options)
    {
        var observerExpiry = configuration.GetValue(ClusterDefaults.ObserverExpiryKey, ClusterDefaults.ObserverExpiry);
        return ValidatedOptions.Check(
            (options.ObserverRenewInterval > TimeSpan.Zero && options.ObserverRenewInterval * 3 <= observerExpiry,
                $"Gateway:ObserverRenewInterval must be more than 0 and at most a third of {ClusterDefaults.ObserverExpiryKey} ({observerExpiry}), " +
                "so a listener is renewed twice before a silo forgets it even when one renewal fails."),
            (options.ObserverRenewConcurrency >= 1, "Gateway:ObserverRenewConcurrency must be at least 1."),
            (options.ObserverUnsubscribeTimeout > TimeSpan.Zero && options.ObserverUnsubscribeTimeout <= TimeSpan.FromSeconds(25),
                "Gateway:ObserverUnsubscribeTimeout must be more than 0 and at most 25 seconds (the host stops within 30)."));
    }
}

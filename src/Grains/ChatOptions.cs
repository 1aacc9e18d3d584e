using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Cluster;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Grains;

/// <summary>Configuration section "Chat": behaviour of the chat grains that operators may tune.</summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>
    /// How many recent clientMessageIds a conversation answers retries for from memory. Deduplication does not depend
    /// on it (the database's unique key is exact for as long as a message exists); it saves the usual retry a query.
    /// </summary>
    public int RecentClientMessageIds { get; set; } = 1000;

    /// <summary>A gateway listener that has not renewed its subscription for this long is forgotten.</summary>
    public TimeSpan ObserverExpiry { get; set; } = ClusterDefaults.ObserverExpiry;

    /// <summary>
    /// How long a push to a gateway may take before the gateway counts as gone and its users' grains drop it (it
    /// re-subscribes at its next renewal if it is alive after all). A crashed gateway is not refused at once: the silo
    /// holds messages for a vanished client for a while, so without this bound the gateway's outbox would wait for the
    /// response timeout (30 s). Other gateways and the grains do not wait for it.
    /// </summary>
    public TimeSpan DevicePushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a silo collects pushes bound for an idle gateway before it sends them as one call (pushes that arrive
    /// while a call is in flight always go together in the next one). A millisecond costs a send's delivery that much and
    /// lets pushes of concurrent sends share a message; zero sends each at once.
    /// </summary>
    public TimeSpan GatewayPushWindow { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>How often a conversation retries telling a participant's user grain that could not be reached.</summary>
    public TimeSpan NotificationRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often at most one group member's typing state reaches the other members (Chat__GroupTypingInterval); a change
    /// within it is told when it ends. Clients show "typing" for six seconds after the last word of it.
    /// </summary>
    public TimeSpan GroupTypingInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Groups one user may create in a UTC day (Chat__MaxGroupsCreatedPerDay): far above what a person makes, far below
    /// what a script putting strangers into groups would.
    /// </summary>
    public int MaxGroupsCreatedPerDay { get; set; } = 50;

    /// <summary>
    /// How often a silo looks for chat-list lines that another shard's database could not take (it was down) and
    /// rewrites them from their conversations. Only a database outage leaves such lines.
    /// </summary>
    public TimeSpan StaleLineRepairInterval { get; set; } = TimeSpan.FromSeconds(2);
}

public sealed class ChatOptionsValidator : IValidateOptions<ChatOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatOptions options) => ValidatedOptions.Check(
        (options.RecentClientMessageIds >= 1, "Chat:RecentClientMessageIds must be at least 1."),
        (options.MaxGroupsCreatedPerDay >= 1, "Chat:MaxGroupsCreatedPerDay must be at least 1."),
        (new[] { options.ObserverExpiry, options.DevicePushTimeout, options.NotificationRetryInterval, options.GroupTypingInterval, options.StaleLineRepairInterval }.All(span => span > TimeSpan.Zero),
            "Chat:ObserverExpiry, DevicePushTimeout, NotificationRetryInterval, GroupTypingInterval and StaleLineRepairInterval must be more than zero."),
        (options.GatewayPushWindow >= TimeSpan.Zero, "Chat:GatewayPushWindow must not be negative."));
}

using WhatsApp.Grains.Abstractions.Cluster;

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
    /// How long a push to a gateway listener may take before the listener counts as gone and is dropped (its gateway
    /// re-subscribes at its next renewal if it is alive after all). A crashed gateway's listener is not refused at once:
    /// the silo holds messages for a vanished client for a while, so without this bound the listener's outbox would
    /// wait for the response timeout (30 s) before it is dropped. Other listeners and the grain do not wait for it.
    /// </summary>
    public TimeSpan DevicePushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a conversation retries telling a participant's user grain that could not be reached.</summary>
    public TimeSpan NotificationRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a silo looks for chat-list lines that another shard's database could not take (it was down) and
    /// rewrites them from their conversations. Only a database outage leaves such lines.
    /// </summary>
    public TimeSpan StaleLineRepairInterval { get; set; } = TimeSpan.FromSeconds(2);
}

namespace WhatsApp.Grains;

/// <summary>Configuration section "Chat": behaviour of the chat grains that operators may tune.</summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>How long a clientMessageId is remembered for deduplication (the contract promises at least 24 hours).</summary>
    public TimeSpan ClientMessageIdRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A gateway listener that has not renewed its subscription for this long is forgotten.</summary>
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a conversation retries telling a participant's user grain that could not be reached.</summary>
    public TimeSpan NotificationRetryInterval { get; set; } = TimeSpan.FromSeconds(1);
}

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Silo-internal: a direct conversation learns that one participant blocked (or unblocked) the other, so that its
/// sends refuse the blocked one without asking anyone. Not in the abstractions the gateway sees; only the blocking
/// user's grain calls it.
/// </summary>
[Alias("whatsapp.IConversationBlocks")]
public interface IConversationBlocks : IGrainWithStringKey
{
    /// <summary>Records whether <paramref name="blockerId"/> blocks the other participant; repeating it changes nothing.</summary>
    [Alias("SetBlocked")]
    Task SetBlockedAsync(long blockerId, bool blocked);
}

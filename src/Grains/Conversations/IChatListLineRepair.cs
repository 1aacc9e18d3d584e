namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Silo-internal: rewrites a participant's chat-list line from the conversation that owns it. Not in the abstractions
/// the gateway sees; only the silos' <see cref="StaleLineRepairer"/> calls it.
/// </summary>
[Alias("whatsapp.IChatListLineRepair")]
public interface IChatListLineRepair : IGrainWithStringKey
{
    /// <summary>Writes the participant's whole line (newest message, own newest, marks) to their database; fails if it cannot.</summary>
    [Alias("RewriteChatListLine")]
    Task RewriteChatListLineAsync(long userId);
}

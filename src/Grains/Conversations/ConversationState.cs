namespace WhatsApp.Grains.Conversations;

/// <summary>
/// The persisted state of a conversation: in a direct one, who blocked whom. Messages and marks are rows of their own,
/// read on activation. (Fields 0 and 2, the first version's sequence checkpoint and participant check, are gone: the
/// serializer skips them in old rows. A conversation with a stored message has had its participants checked.)
/// </summary>
[GenerateSerializer, Alias("whatsapp.ConversationState")]
public sealed class ConversationState
{
    /// <summary>
    /// Each participant's marks as the version before marks were rows kept them: moved to rows, and emptied, at the
    /// first activation after it (so a state written by it still reads).
    /// </summary>
    [Id(1)] public Dictionary<long, ParticipantMarks> Marks { get; set; } = [];

    /// <summary>In a direct conversation, the participants who blocked the other one.</summary>
    [Id(3)] public HashSet<long> BlockedBy { get; set; } = [];
}

/// <summary>A participant has received (delivered) and read every message up to these sequences.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ParticipantMarks")]
public sealed record ParticipantMarks([property: Id(0)] long DeliveredUpTo, [property: Id(1)] long ReadUpTo)
{
    public static ParticipantMarks None { get; } = new(0, 0);
}

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// The persisted state of a conversation. It stays the same size however many messages there are: messages live
/// in buckets, and the last sequence is recovered from them (this checkpoint only says where to start looking).
/// </summary>
[GenerateSerializer, Alias("whatsapp.ConversationState")]
public sealed class ConversationState
{
    /// <summary>A sequence known to be stored; the true last one is at or after it.</summary>
    [Id(0)] public long SequenceCheckpoint { get; set; }

    /// <summary>Each participant's delivered and read marks.</summary>
    [Id(1)] public Dictionary<long, ParticipantMarks> Marks { get; set; } = [];

    /// <summary>Both participants were found registered when the first message was sent.</summary>
    [Id(2)] public bool ParticipantsVerified { get; set; }
}

/// <summary>A participant has received (delivered) and read every message up to these sequences.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ParticipantMarks")]
public sealed record ParticipantMarks([property: Id(0)] long DeliveredUpTo, [property: Id(1)] long ReadUpTo)
{
    public static ParticipantMarks None { get; } = new(0, 0);
}

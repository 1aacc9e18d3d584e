namespace WhatsApp.Grains.Storage;

/// <summary>
/// A message as a bucket stores it: only what cannot be derived (the conversation, recipient and id follow from
/// the bucket's key), so a bucket row stays small.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.StoredMessage")]
public sealed record StoredMessage(
    [property: Id(0)] long Sequence,
    [property: Id(1)] long FromUserId,
    [property: Id(2)] string Content,
    [property: Id(3)] string? ClientMessageId,
    [property: Id(4)] DateTimeOffset CreatedAt)
{
    /// <summary>Whether a retried append carries the same message (the ack of the first one may have been lost).</summary>
    public bool IsSameMessageAs(StoredMessage other) =>
        Sequence == other.Sequence && FromUserId == other.FromUserId && Content == other.Content && ClientMessageId == other.ClientMessageId;
}

/// <summary>The persisted state of one bucket: a run of consecutive messages starting at the bucket's first sequence.</summary>
[GenerateSerializer, Alias("whatsapp.MessageBucketState")]
public sealed class MessageBucketState
{
    [Id(0)] public List<StoredMessage> Messages { get; set; } = [];
}

namespace WhatsApp.Silo.Persistence.FirstVersion;

// The first version's grain states that the second version no longer writes, kept with their wire aliases and field
// ids only so that FirstVersionMigration can read an old database. Nothing else may use them.

/// <summary>A message as a first-version bucket stored it.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.StoredMessage")]
public sealed record StoredMessage(
    [property: Id(0)] long Sequence,
    [property: Id(1)] long FromUserId,
    [property: Id(2)] string Content,
    [property: Id(3)] string? ClientMessageId,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>A first-version bucket: up to 128 consecutive messages of one conversation in one grain-state row.</summary>
[GenerateSerializer, Alias("whatsapp.MessageBucketState")]
public sealed class MessageBucketState
{
    [Id(0)] public List<StoredMessage> Messages { get; set; } = [];
}

/// <summary>A first-version shard directory: every user of the shard in one grain-state row.</summary>
[GenerateSerializer, Alias("whatsapp.UserDirectoryState")]
public sealed class UserDirectoryState
{
    [Id(0)] public Dictionary<long, string> DisplayNames { get; set; } = [];
}

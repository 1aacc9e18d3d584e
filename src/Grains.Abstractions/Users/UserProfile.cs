namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>
/// A user as someone sees them. Anyone may see that the number is registered, its name and shard; presence (online,
/// last seen) only the user themself and the people they share a conversation with: for anyone else both are null.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.UserProfile")]
public sealed record UserProfile(
    [property: Id(0)] long UserId,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] int Shard,
    [property: Id(3)] bool? Online,
    [property: Id(4)] DateTimeOffset? LastSeen)
{
    /// <summary>The profile without presence, as a stranger sees it.</summary>
    public UserProfile WithoutPresence() => this with { Online = null, LastSeen = null };
}

/// <summary>One line of a user's chat list: the conversation, its latest message and how many the user has not read.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.InboxEntry")]
public sealed record InboxEntry(
    [property: Id(0)] string ConversationId,
    [property: Id(1)] long? PeerUserId,
    [property: Id(2)] long? GroupId,
    [property: Id(3)] Messages.ChatMessage LastMessage,
    [property: Id(4)] long UnreadCount,
    [property: Id(5)] long ReadUpToSequence,
    [property: Id(6)] long DeliveredUpToSequence);

/// <summary>A user as a shard's directory lists them.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.DirectoryEntry")]
public sealed record DirectoryEntry([property: Id(0)] long UserId, [property: Id(1)] string DisplayName);

/// <summary>Whom a user's most recent chats are with: the other person of each direct chat, and the groups.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.RecentChats")]
public sealed record RecentChats([property: Id(0)] IReadOnlyList<long> People, [property: Id(1)] IReadOnlyList<long> Groups);

using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>The persisted state of a user: account, last seen and chat list.</summary>
[GenerateSerializer, Alias("whatsapp.UserState")]
public sealed class UserState
{
    [Id(0)] public string? DisplayName { get; set; }

    [Id(1)] public PasswordHash? Password { get; set; }

    [Id(2)] public DateTimeOffset? LastSeen { get; set; }

    /// <summary>The chat list by conversation id.</summary>
    [Id(3)] public Dictionary<string, InboxRecord> Inbox { get; set; } = [];

    /// <summary>Whether the shard's directory has taken the user (registration retries it until it has).</summary>
    [Id(4)] public bool Listed { get; set; }

    /// <summary>
    /// The gateway listeners of the user's connected devices. Kept with the state (it changes only when a user's first
    /// device connects or last one leaves) so that an activation that starts after a crash or a move pushes at once,
    /// without waiting for the gateways to renew.
    /// </summary>
    [Id(5)] public List<IUserObserver> Devices { get; set; } = [];

    public bool IsRegistered => Password is not null;
}

/// <summary>
/// One conversation in a user's chat list. Unread messages are those after both the user's read mark and their own
/// last message (writing in a chat means you have read it), which is exact for two-person chats.
/// </summary>
[GenerateSerializer, Alias("whatsapp.InboxRecord")]
public sealed class InboxRecord
{
    [Id(0)] public required ChatMessage LastMessage { get; set; }

    [Id(1)] public long LastOwnSequence { get; set; }

    [Id(2)] public long ReadUpTo { get; set; }

    [Id(3)] public long DeliveredUpTo { get; set; }

    public long UnreadCount => Math.Max(0, LastMessage.Sequence - Math.Max(ReadUpTo, LastOwnSequence));
}

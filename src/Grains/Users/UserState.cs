using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>The persisted state of a user: account, last seen and the gateways holding their devices. (Field 3, the
/// first version's chat list, is gone: chat lists are rows now; field 5, the per-user listeners that gateways had before
/// they pushed through one observer each, is gone too. The serializer skips both in old rows.)</summary>
[GenerateSerializer, Alias("whatsapp.UserState")]
public sealed class UserState
{
    [Id(0)] public string? DisplayName { get; set; }

    [Id(1)] public PasswordHash? Password { get; set; }

    [Id(2)] public DateTimeOffset? LastSeen { get; set; }

    /// <summary>Whether the shard's directory has taken the user (registration retries it until it has).</summary>
    [Id(4)] public bool Listed { get; set; }

    /// <summary>
    /// The gateways holding the user's connected devices. Kept with the state (it changes only when a user's first
    /// device on a gateway connects or last one leaves) so that an activation that starts after a crash or a move pushes
    /// at once, without waiting up to a renewal period for the gateways to renew. A saved gateway can be gone (one that
    /// stops cleanly unsubscribes first, a crashed one cannot): it costs its silo's outbox one failed push, bounded by
    /// the push timeout, and is then dropped from this list.
    /// </summary>
    [Id(7)] public List<IGatewayObserver> Gateways { get; set; } = [];

    /// <summary>Carried in every token; bumped by signing out everywhere, which makes every older token invalid.</summary>
    [Id(6)] public int TokenVersion { get; set; }

    /// <summary>The UTC day <see cref="GroupsCreatedThatDay"/> counts, for the cap on groups one user creates a day.</summary>
    [Id(8)] public DateTime GroupCreationDay { get; set; }

    [Id(9)] public int GroupsCreatedThatDay { get; set; }

    /// <summary>The users this user blocked.</summary>
    [Id(10)] public HashSet<long> Blocked { get; set; } = [];

    /// <summary>Who sees the user's presence (the default, 0, is their contacts).</summary>
    [Id(11)] public PresenceVisibility PresenceVisibility { get; set; }

    /// <summary>Who may put the user straight into a group (the default, 0, is everyone).</summary>
    [Id(12)] public WhoMayAddToGroups WhoMayAddToGroups { get; set; }

    /// <summary>Invitations to groups the user has not answered, oldest first (expired ones are dropped as they are met).</summary>
    [Id(13)] public List<GroupInvitation> GroupInvitations { get; set; } = [];

    public bool IsRegistered => Password is not null;
}

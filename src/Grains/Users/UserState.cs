using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>The persisted state of a user: account, last seen and connected devices. (Field 3, the
/// first version's chat list, is gone: chat lists are rows now, and the serializer skips it in old rows.)</summary>
[GenerateSerializer, Alias("whatsapp.UserState")]
public sealed class UserState
{
    [Id(0)] public string? DisplayName { get; set; }

    [Id(1)] public PasswordHash? Password { get; set; }

    [Id(2)] public DateTimeOffset? LastSeen { get; set; }

    /// <summary>Whether the shard's directory has taken the user (registration retries it until it has).</summary>
    [Id(4)] public bool Listed { get; set; }

    /// <summary>
    /// The gateway listeners of the user's connected devices. Kept with the state (it changes only when a user's first
    /// device connects or last one leaves) so that an activation that starts after a crash or a move pushes at once,
    /// without waiting up to a renewal period for the gateways to renew. A saved listener can outlive its gateway (a
    /// gateway that stops cleanly removes its listeners first, a crashed one cannot): such a stale listener costs one
    /// failed push, bounded by the push timeout, and is then dropped from this list.
    /// </summary>
    [Id(5)] public List<IUserObserver> Devices { get; set; } = [];

    /// <summary>Carried in every token; bumped by signing out everywhere, which makes every older token invalid.</summary>
    [Id(6)] public int TokenVersion { get; set; }

    public bool IsRegistered => Password is not null;
}

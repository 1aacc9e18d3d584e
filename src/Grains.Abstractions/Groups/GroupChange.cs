namespace WhatsApp.Grains.Abstractions.Groups;

/// <summary>What changed in a group; each change is also a message of the group's history ("Ada added Bob").</summary>
public enum GroupChangeKind
{
    Created = 1,
    Added,
    Removed,
    Left,
    Renamed,

    /// <summary>The actor accepted an invitation and joined.</summary>
    Joined,
}

/// <summary>
/// One change of a group's membership or name, by <see cref="ActorId"/>: the users it added or removed (for Created,
/// every first member), or the new name. In the history it is where a member's view starts (added) or ends (removed).
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.GroupChange")]
public sealed record GroupChange(
    [property: Id(0)] GroupChangeKind Kind,
    [property: Id(1)] long ActorId,
    [property: Id(2)] IReadOnlyList<long> UserIds,
    [property: Id(3)] string? Name)
{
    /// <summary>The users this change lets in (who see the history from it on).</summary>
    public IReadOnlyList<long> Joining => Kind is GroupChangeKind.Created or GroupChangeKind.Added or GroupChangeKind.Joined ? UserIds : [];

    /// <summary>The users this change lets out (who keep the history up to and including it).</summary>
    public IReadOnlyList<long> Leaving => Kind is GroupChangeKind.Removed or GroupChangeKind.Left ? UserIds : [];
}

using WhatsApp.Grains.Abstractions.Groups;

namespace WhatsApp.Grains.Groups;

/// <summary>
/// The persisted state of a group: its name and members in the order they joined (no name: no group has this id), and
/// the change that the group's history has yet to record, if any: a change is durable here first and recorded after.
/// </summary>
[GenerateSerializer, Alias("whatsapp.GroupState")]
public sealed class GroupState
{
    [Id(0)] public string? Name { get; set; }

    [Id(1)] public long CreatedBy { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public List<GroupMember> Members { get; set; } = [];

    /// <summary>How many changes the group has had; the newest one's number names it in the history (so it is recorded once).</summary>
    [Id(4)] public long Version { get; set; }

    /// <summary>The newest change, until the group's conversation has recorded it.</summary>
    [Id(5)] public GroupChange? UnrecordedChange { get; set; }

    /// <summary>The invitations not yet answered, oldest first (expired ones go as they are met).</summary>
    [Id(6)] public List<PendingInvitation> Invitations { get; set; } = [];

    /// <summary>The latest members who left by themselves, oldest first: an admin naming them again invites them.</summary>
    [Id(7)] public List<long> RecentLeavers { get; set; } = [];
}

/// <summary>An invitation the group sent and the user has not answered.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.PendingInvitation")]
public sealed record PendingInvitation([property: Id(0)] long UserId, [property: Id(1)] long InvitedBy, [property: Id(2)] DateTimeOffset ExpiresAt);

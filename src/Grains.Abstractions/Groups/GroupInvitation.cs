namespace WhatsApp.Grains.Abstractions.Groups;

/// <summary>
/// An invitation to join a group, as the invited user sees it: the group, who invited them, and until when it stands
/// (<see cref="GroupLimits.InvitationLifetime"/> after it was sent, as WhatsApp's).
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.GroupInvitation")]
public sealed record GroupInvitation(
    [property: Id(0)] long GroupId,
    [property: Id(1)] string GroupName,
    [property: Id(2)] long InvitedBy,
    [property: Id(3)] DateTimeOffset ExpiresAt);

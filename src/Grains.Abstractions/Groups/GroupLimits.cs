using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Text;

namespace WhatsApp.Grains.Abstractions.Groups;

/// <summary>The contract's limits on groups.</summary>
public static class GroupLimits
{
    /// <summary>Members of one group, the creator included (WhatsApp's limit).</summary>
    public const int MaxMembers = 1024;

    public const int MaxNameLength = 100;

    /// <summary>How long an invitation to join stands (WhatsApp's: three days).</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(3);

    /// <summary>
    /// The invitations one group holds at once, and the people it remembers as having left by themselves (who are
    /// invited, not added, when an admin names them again): bounds on the group's state.
    /// </summary>
    public const int MaxPendingInvitations = MaxMembers;
    public const int MaxRememberedLeavers = MaxMembers;

    public static ChatResult<string> NormalizeName(string? name) =>
        StorableText.TrimmedName(name, MaxNameLength) is { } trimmed
            ? ChatResult.Success(trimmed)
            : ChatResult.Fail<string>(ChatErrorCode.InvalidGroupName, $"name must be 1 to {MaxNameLength} printable characters.");
}

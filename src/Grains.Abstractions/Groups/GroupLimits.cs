using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Text;

namespace WhatsApp.Grains.Abstractions.Groups;

/// <summary>The contract's limits on groups.</summary>
public static class GroupLimits
{
    /// <summary>Members of one group, the creator included (WhatsApp's limit).</summary>
    public const int MaxMembers = 1024;

    public const int MaxNameLength = 100;

    public static ChatResult<string> NormalizeName(string? name) =>
        StorableText.TrimmedName(name, MaxNameLength) is { } trimmed
            ? ChatResult.Success(trimmed)
            : ChatResult.Fail<string>(ChatErrorCode.InvalidGroupName, $"name must be 1 to {MaxNameLength} printable characters.");
}

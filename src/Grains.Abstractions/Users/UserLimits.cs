using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>The contract's limits on registration data.</summary>
public static class UserLimits
{
    public const int MaxDisplayNameLength = 64;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    public static ChatResult<string> NormalizeDisplayName(string? displayName)
    {
        var trimmed = displayName?.Trim() ?? string.Empty;
        return trimmed.Length is 0 or > MaxDisplayNameLength || trimmed.Any(char.IsControl)
            ? ChatResult.Fail<string>(ChatErrorCode.InvalidDisplayName, $"displayName must be 1 to {MaxDisplayNameLength} printable characters.")
            : ChatResult.Success(trimmed);
    }

    public static ChatError? ValidatePassword(string? password) =>
        password is { Length: >= MinPasswordLength and <= MaxPasswordLength }
            ? null
            : new ChatError(ChatErrorCode.InvalidPassword, $"password must be {MinPasswordLength} to {MaxPasswordLength} characters.");
}

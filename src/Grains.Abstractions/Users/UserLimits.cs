using System.Globalization;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Text;

namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>The contract's limits on registration data.</summary>
public static class UserLimits
{
    public const int MaxDisplayNameLength = 64;

    /// <summary>How many users one user may block: far above what a person needs, and a bound on the user's state.</summary>
    public const int MaxBlocked = 1_000;

    /// <summary>How many group invitations one user keeps at once (the oldest goes): a bound on the user's state.</summary>
    public const int MaxGroupInvitations = 100;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    /// <summary>A directory search needs this many characters: fewer would page through everyone.</summary>
    public const int MinSearchQueryLength = 3;
    public const int MaxSearchQueryLength = 64;

    /// <summary>
    /// A search by name or by the start of a number looks among the people of the user's this many most recent chats
    /// (direct chats and the members of their groups), at most <see cref="MaxSearchedPeople"/> of them; a stranger is
    /// found only by their whole number.
    /// </summary>
    public const int SearchedChats = 200;
    public const int MaxSearchedPeople = 5_000;

    /// <summary>The query trimmed, or why it is refused (too short to narrow the directory, or too long to match a name).</summary>
    public static ChatResult<string> NormalizeSearchQuery(string? query)
    {
        var trimmed = query?.Trim() ?? string.Empty;
        return trimmed.Length is < MinSearchQueryLength or > MaxSearchQueryLength || !StorableText.IsStorable(trimmed, allowLineBreaks: false)
            ? ChatResult.Fail<string>(ChatErrorCode.InvalidSearchQuery, $"query must be {MinSearchQueryLength} to {MaxSearchQueryLength} characters of text (a whole number, or the start of a name or number of someone in your chats); it was {trimmed.Length}.")
            : ChatResult.Success(trimmed);
    }

    /// <summary>
    /// The user a search names by their whole number, or null: a stranger is found only so, and only on that user's own
    /// shard, so the gateway asks that shard and the shard's directory matches that id.
    /// </summary>
    public static long? WholeNumberSearched(string query) =>
        long.TryParse(query.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && UserIds.IsValid(number) ? number : null;

    public static ChatResult<string> NormalizeDisplayName(string? displayName) =>
        StorableText.TrimmedName(displayName, MaxDisplayNameLength) is { } trimmed
            ? ChatResult.Success(trimmed)
            : ChatResult.Fail<string>(ChatErrorCode.InvalidDisplayName, $"displayName must be 1 to {MaxDisplayNameLength} printable characters.");

    public static ChatError? ValidatePassword(string? password) =>
        password is { Length: >= MinPasswordLength and <= MaxPasswordLength }
            ? null
            : new ChatError(ChatErrorCode.InvalidPassword, $"password must be {MinPasswordLength} to {MaxPasswordLength} characters.");
}

namespace WhatsApp.Grains.Abstractions.Text;

/// <summary>
/// Text PostgreSQL can store and a client can show: no NUL or other control characters (line breaks and tabs only
/// where the text may span lines) and no half of a surrogate pair, which has no UTF-8 form. Such input is refused up
/// front, as a bad request, instead of failing in the database.
/// </summary>
public static class StorableText
{
    public static bool IsStorable(string text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var character = text[i];
            if (char.IsHighSurrogate(character) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(character)
                || (char.IsControl(character) && !(allowLineBreaks && character is '\n' or '\r' or '\t')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A one-line name (a display name, a group's name) trimmed, or null when that is empty, too long or not storable.</summary>
    public static string? TrimmedName(string? name, int maxLength)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        return trimmed.Length is 0 || trimmed.Length > maxLength || !IsStorable(trimmed, allowLineBreaks: false) ? null : trimmed;
    }
}

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

    /// <summary>
    /// A one-line name (a display name, a group's name) trimmed, or null when that is empty, too long, not storable, or
    /// holds a character that changes how the text around it reads without being seen (<see cref="IsDeceptive"/>).
    /// </summary>
    public static string? TrimmedName(string? name, int maxLength)
    {
        var trimmed = name?.Trim() ?? string.Empty;
        return trimmed.Length is 0 || trimmed.Length > maxLength || !IsStorable(trimmed, allowLineBreaks: false) || trimmed.Any(IsDeceptive)
            ? null
            : trimmed;
    }

    /// <summary>
    /// Direction overrides, embeddings, isolates and marks (which can make "Ada" read as someone else's name, or flip
    /// the text after a name) and the invisible separators (zero-width space, word joiner, byte-order mark) that make two
    /// names look alike. The zero-width joiner and non-joiner stay: emoji sequences and several scripts need them.
    /// </summary>
    public static bool IsDeceptive(char character) => character is
        (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u200E' or '\u200F' or '\u061C'
        or '\u200B' or '\u2060' or '\uFEFF';
}

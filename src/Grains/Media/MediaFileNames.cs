using System.Text;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Media;

/// <summary>
/// A file name as people see it and a download offers it: the last part of whatever path the browser sent, without
/// control characters or characters file systems refuse, not hidden, at most <see cref="MediaLimits.MaxFileNameLength"/>
/// characters (cut before its extension), and a plain default when nothing is left.
/// </summary>
internal static class MediaFileNames
{
    private static readonly char[] Refused = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    public static string Clean(string? name, MessageKind kind)
    {
        var lastPart = (name ?? string.Empty).Split('/', '\\')[^1];
        var cleaned = new StringBuilder(lastPart.Length);
        foreach (var rune in lastPart.EnumerateRunes())
        {
            if (!Rune.IsControl(rune) && Rune.GetUnicodeCategory(rune) is not (System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Surrogate)
                && !(rune.IsBmp && Refused.Contains((char)rune.Value)))
            {
                cleaned.Append(rune.ToString());
            }
        }

        var result = cleaned.ToString().Trim().TrimStart('.').Trim();
        if (result.Length == 0)
        {
            return kind switch
            {
                MessageKind.Photo => "photo",
                MessageKind.VoiceNote => "voice-note",
                _ => "document",
            };
        }

        return result.Length <= MediaLimits.MaxFileNameLength ? result : Shorten(result);
    }

    private static string Shorten(string name)
    {
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 10 ? name[dot..] : string.Empty;
        var stem = name[..(MediaLimits.MaxFileNameLength - extension.Length)];
        if (char.IsHighSurrogate(stem[^1]))
        {
            stem = stem[..^1];
        }

        return stem + extension;
    }
}

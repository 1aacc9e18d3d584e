using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Media;

/// <summary>
/// Which types each kind of medium takes, and whether a file's leading bytes are what its upload declared. A photo or
/// a voice note must be one of the few types the client shows inline, and must start like one; a document may be of
/// any type (it is only ever downloaded), but one that declares a type we can recognise must start like it.
/// </summary>
internal static class MediaTypes
{
    /// <summary>Enough leading bytes to recognise every signature below.</summary>
    public const int SniffLength = 16;

    private static readonly Dictionary<string, Func<ReadOnlyMemory<byte>, bool>> Signatures = new(StringComparer.Ordinal)
    {
        ["image/jpeg"] = bytes => StartsWith(bytes, [0xFF, 0xD8, 0xFF]),
        ["image/png"] = bytes => StartsWith(bytes, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]),
        ["image/gif"] = bytes => StartsWith(bytes, "GIF87a"u8) || StartsWith(bytes, "GIF89a"u8),
        ["image/webp"] = bytes => StartsWith(bytes, "RIFF"u8) && bytes.Length >= 12 && bytes.Span[8..12].SequenceEqual("WEBP"u8),
        ["audio/webm"] = bytes => StartsWith(bytes, [0x1A, 0x45, 0xDF, 0xA3]),
        ["audio/ogg"] = bytes => StartsWith(bytes, "OggS"u8),
        ["application/pdf"] = bytes => StartsWith(bytes, "%PDF-"u8),
        ["application/zip"] = bytes => StartsWith(bytes, [(byte)'P', (byte)'K', 0x03, 0x04]),
    };

    private static readonly HashSet<string> PhotoTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];
    private static readonly HashSet<string> VoiceNoteTypes = ["audio/webm", "audio/ogg"];

    /// <summary>
    /// The declared type as stored (lower case, without parameters: "audio/webm;codecs=opus" is "audio/webm"), or null
    /// when the kind does not take it or it is no type at all.
    /// </summary>
    public static string? Normalize(MessageKind kind, string? declared)
    {
        var type = declared?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is null || !IsMediaType(type))
        {
            return null;
        }

        return kind switch
        {
            MessageKind.Photo => PhotoTypes.Contains(type) ? type : null,
            MessageKind.VoiceNote => VoiceNoteTypes.Contains(type) ? type : null,
            MessageKind.Document => type,
            _ => null,
        };
    }

    /// <summary>Whether the file's first bytes fit its declared (normalized) type.</summary>
    public static bool LeadingBytesFit(string type, ReadOnlyMemory<byte> leadingBytes) =>
        !Signatures.TryGetValue(type, out var fits) || fits(leadingBytes);

    private static bool IsMediaType(string type)
    {
        var slash = type.IndexOf('/', StringComparison.Ordinal);
        return type.Length <= 100 && slash > 0 && slash < type.Length - 1
            && type.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '+' or '.');
    }

    private static bool StartsWith(ReadOnlyMemory<byte> bytes, ReadOnlySpan<byte> signature) => bytes.Span.StartsWith(signature);
}

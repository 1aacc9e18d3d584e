using System.Security.Cryptography;

namespace WhatsApp.Testing.Api;

/// <summary>Files as the gateway checks them: the leading bytes of their type, then random bytes (unique per call).</summary>
public static class MediaFiles
{
    public static byte[] Jpeg(int length) => WithSignature([0xFF, 0xD8, 0xFF, 0xE0], length);

    public static byte[] Png(int length) => WithSignature([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], length);

    public static byte[] Pdf(int length) => WithSignature("%PDF-1.7\n"u8.ToArray(), length);

    /// <summary>What Chromium's MediaRecorder makes of a voice note: audio/webm (Opus), an EBML header first.</summary>
    public static byte[] WebmAudio(int length) => WithSignature([0x1A, 0x45, 0xDF, 0xA3], length);

    public static string Sha256Of(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A thumbnail as the browser makes one: a tiny JPEG as a data: URL.</summary>
    public static string Thumbnail() => "data:image/jpeg;base64," + Convert.ToBase64String(Jpeg(600));

    private static byte[] WithSignature(byte[] signature, int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        signature.CopyTo(bytes, 0);
        return bytes;
    }
}

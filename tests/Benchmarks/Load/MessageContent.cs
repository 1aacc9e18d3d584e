using System.Globalization;

namespace WhatsApp.Benchmarks.Load;

/// <summary>The text of every benchmark message: 64 characters, an ordinary chat message's length.</summary>
public static class MessageContent
{
    public const int Length = 64;

    public static string Of(long number) =>
        string.Create(CultureInfo.InvariantCulture, $"benchmark message {number}").PadRight(Length, '.');
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>
/// Where a page of a chat list ended: the time of its last line's newest message, and that line's conversation (which
/// breaks ties). Clients get it as an opaque string and hand it back for the next page.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ChatListCursor")]
public sealed record ChatListCursor([property: Id(0)] DateTimeOffset LastCreatedAt, [property: Id(1)] string ConversationId)
{
    private const char Separator = '.';

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(LastCreatedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10}{Separator}{ConversationId}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out ChatListCursor? cursor)
    {
        cursor = null;
        var separator = text?.IndexOf(Separator, StringComparison.Ordinal) ?? -1;
        if (separator <= 0
            || !long.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            || micros > (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10
            || !Ids.ConversationId.TryParse(text![(separator + 1)..], out var conversation))
        {
            return false;
        }

        cursor = new ChatListCursor(DateTimeOffset.UnixEpoch.AddTicks(micros * 10), conversation.ToString());
        return true;
    }
}

/// <summary>One page of a chat list, newest first, and the cursor of the next page when there is one.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ChatListPage")]
public sealed record ChatListPage([property: Id(0)] IReadOnlyList<InboxEntry> Entries, [property: Id(1)] string? NextCursor);

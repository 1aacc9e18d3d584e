using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace WhatsApp.Grains.Abstractions.Ids;

/// <summary>
/// Names a conversation: "a-b" (a &lt; b) for two people, "g{groupId}" for a group. The canonical text form is the
/// conversation grain's key, so the same two people always meet in the same grain whoever writes first.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.ConversationId")]
public readonly record struct ConversationId
{
    private ConversationId(long first, long second, bool isGroup)
    {
        First = first;
        Second = second;
        IsGroup = isGroup;
    }

    /// <summary>The lower user id of a direct conversation, or the group id.</summary>
    [Id(0)] public long First { get; init; }

    /// <summary>The higher user id of a direct conversation; 0 for a group.</summary>
    [Id(1)] public long Second { get; init; }

    [Id(2)] public bool IsGroup { get; init; }

    /// <summary>Direct conversations live on the lower id's shard, groups on the group id's.</summary>
    public long ShardKey => First;

    public static ConversationId Direct(long userA, long userB)
    {
        if (!UserIds.IsValid(userA) || !UserIds.IsValid(userB) || userA == userB)
        {
            throw new ArgumentException($"A direct conversation needs two different valid user ids, not {userA} and {userB}.");
        }

        return new ConversationId(Math.Min(userA, userB), Math.Max(userA, userB), isGroup: false);
    }

    public static ConversationId Group(long groupId)
    {
        if (!UserIds.IsValid(groupId))
        {
            throw new ArgumentException($"{groupId} is not a valid group id.");
        }

        return new ConversationId(groupId, 0, isGroup: true);
    }

    public bool Includes(long userId) => !IsGroup && (userId == First || userId == Second);

    /// <summary>The other person of a direct conversation.</summary>
    public long PeerOf(long userId) => Includes(userId) && !IsGroup
        ? (userId == First ? Second : First)
        : throw new InvalidOperationException($"User {userId} is not a participant of {this}.");

    public IReadOnlyList<long> DirectParticipants => IsGroup ? [] : [First, Second];

    public static bool TryParse([NotNullWhen(true)] string? text, out ConversationId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > 40)
        {
            return false;
        }

        if (text[0] == 'g')
        {
            if (TryParseId(text.AsSpan(1), out var groupId))
            {
                id = new ConversationId(groupId, 0, isGroup: true);
                return true;
            }

            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !TryParseId(text.AsSpan(0, dash), out var a)
            || !TryParseId(text.AsSpan(dash + 1), out var b)
            || a >= b)
        {
            return false;
        }

        id = new ConversationId(a, b, isGroup: false);
        return true;
    }

    public static ConversationId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a conversation id.");

    public override string ToString() => IsGroup
        ? string.Create(CultureInfo.InvariantCulture, $"g{First}")
        : string.Create(CultureInfo.InvariantCulture, $"{First}-{Second}");

    // Only canonical digits: no sign, no leading zero, no whitespace, so every conversation has exactly one key.
    private static bool TryParseId(ReadOnlySpan<char> digits, out long id)
    {
        id = 0;
        if (digits.IsEmpty || digits.Length > 15 || digits[0] == '0')
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        id = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return UserIds.IsValid(id);
    }
}

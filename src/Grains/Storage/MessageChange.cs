using System.Globalization;
using System.Text.Json;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// A change of a stored message, as the assignments of one UPDATE (its values are parameters $4 on): each is one statement,
/// so two participants reacting at once both land.
/// </summary>
public sealed record MessageChange(string Assignments, IReadOnlyList<object?> Values)
{
    public static MessageChange Edit(string content, DateTimeOffset editedAt) =>
        new("content = $4, edited_at = $5", [content, editedAt]);

    /// <summary>The content and the reactions go; the row stays as the tombstone that holds the sequence.</summary>
    public static MessageChange Delete() =>
        new($"content = '', kind = {(int)MessageKind.Deleted}, reactions = NULL, edited_at = NULL, media = NULL", []);

    public static MessageChange React(long userId, string? emoji) => emoji is null
        ? new("reactions = nullif(reactions - $4::text, '{}'::jsonb)", [UserKey(userId)])
        : new("reactions = coalesce(reactions, '{}'::jsonb) || jsonb_build_object($4::text, $5::text)", [UserKey(userId), emoji]);

    private static string UserKey(long userId) => userId.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The media column: the message's <see cref="MessageMedia"/> as JSON (camelCase, like the API's).</summary>
internal static class StoredMedia
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static string? Write(MessageMedia? media) => media is null ? null : JsonSerializer.Serialize(media, Json);

    public static MessageMedia Read(string json) => JsonSerializer.Deserialize<MessageMedia>(json, Json)!;
}

/// <summary>The reactions column: {"userId":"emoji"}, read as a list by user id.</summary>
internal static class StoredReactions
{
    public static IReadOnlyList<MessageReaction> Read(string json) =>
        [.. (JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [])
            .Select(pair => new MessageReaction(long.Parse(pair.Key, CultureInfo.InvariantCulture), pair.Value))
            .OrderBy(reaction => reaction.UserId)];
}

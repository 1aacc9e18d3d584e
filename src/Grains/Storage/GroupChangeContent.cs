using System.Text.Json;
using System.Text.Json.Serialization;
using WhatsApp.Grains.Abstractions.Groups;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// A group change as its message row stores it: the change as JSON in the content column (kind 1). The row is the
/// change's durable record, from which a group's conversation rebuilds who may read what.
/// </summary>
internal static class GroupChangeContent
{
    /// <summary>A chat-list line names this many of a change's users; the message row keeps them all.</summary>
    private const int PreviewUsers = 3;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(GroupChange change) => JsonSerializer.Serialize(new StoredChange(change.Kind, change.ActorId, change.UserIds, change.Name), Json);

    public static GroupChange Read(string content)
    {
        var stored = JsonSerializer.Deserialize<StoredChange>(content, Json)
            ?? throw new FormatException("A group change row holds no change.");
        return new GroupChange(stored.Kind, stored.ActorId, stored.UserIds ?? [], stored.Name);
    }

    /// <summary>The change with its first few users, for a chat-list line: a group's creation may name a thousand.</summary>
    public static string Preview(string content)
    {
        var change = Read(content);
        return change.UserIds.Count <= PreviewUsers ? content : Write(change with { UserIds = [.. change.UserIds.Take(PreviewUsers)] });
    }

    // The stored shape is this file's own, so renaming a contract type never changes what rows say.
    private sealed record StoredChange(GroupChangeKind Kind, long ActorId, IReadOnlyList<long>? UserIds, string? Name);
}

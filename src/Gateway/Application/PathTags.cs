using System.Collections.Frozen;
using System.Globalization;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Gateway.Application;

/// <summary>
/// What a message's path shows of its spans' tags: the path, not the cluster. Only the chat's own tags and the names of
/// the calls and statements are shown; addresses, ports, exceptions and their stack traces never are. A grain call
/// names its grain only when the reader knows whose it is (their own, the conversation's, a direct chat's other
/// participant); another member's user grain is shown as "user", so a group's path does not list its members.
/// </summary>
internal static class PathTags
{
    public const string TargetGrain = "orleans.rpc.target_id";

    /// <summary>What a user grain the reader may not know is shown as.</summary>
    public const string AnotherUsersGrain = "user";

    private const string UserGrainType = "user";

    private static readonly FrozenSet<string> Shown = new[]
    {
        "rpc.system", "rpc.service", "rpc.method", "db.system", "db.system.name", "db.operation.name", "db.query.text", TargetGrain,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The tags of one span as <paramref name="reader"/> may see them in <paramref name="conversation"/>'s paths.</summary>
    public static Dictionary<string, string> Visible(IReadOnlyDictionary<string, string> tags, long reader, ConversationId conversation) =>
        tags.Where(tag => tag.Key.StartsWith("whatsapp.", StringComparison.Ordinal) || Shown.Contains(tag.Key))
            .ToDictionary(tag => tag.Key, tag => tag.Key == TargetGrain ? GrainAsSeen(tag.Value, reader, conversation) : tag.Value);

    private static string GrainAsSeen(string grainId, long reader, ConversationId conversation)
    {
        var separator = grainId.IndexOf('/', StringComparison.Ordinal);
        if (separator < 0 || grainId[..separator] != UserGrainType)
        {
            return grainId;
        }

        var known = long.TryParse(grainId.AsSpan(separator + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var userId)
            && (userId == reader || conversation.DirectParticipants.Contains(userId));
        return known ? grainId : AnotherUsersGrain;
    }
}

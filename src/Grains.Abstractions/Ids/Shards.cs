using System.Globalization;

namespace WhatsApp.Grains.Abstractions.Ids;

/// <summary>The one rule that decides where data lives: shard(key) = key mod N.</summary>
public static class Shards
{
    public const int DefaultCount = 3;

    private const string SiloNamePrefix = "shard-";

    /// <summary>The name a silo owning a shard carries in the cluster's membership table.</summary>
    public static string SiloNameOf(int shard) => SiloNamePrefix + shard.ToString(CultureInfo.InvariantCulture);

    public static bool TryParseSiloName(string? siloName, out int shard)
    {
        shard = -1;
        return siloName is not null
            && siloName.StartsWith(SiloNamePrefix, StringComparison.Ordinal)
            && int.TryParse(siloName.AsSpan(SiloNamePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out shard);
    }

    public static int Of(long shardKey, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shardKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        return (int)(shardKey % shardCount);
    }

    /// <summary>
    /// The shard whose silo serves a shard's grains: the shard itself while its silo is up, else the next shard (in
    /// order, wrapping round) whose silo is; null when no shard has one. Placement and the shard panel both follow it.
    /// </summary>
    public static int? Serving(int shard, int shardCount, Func<int, bool> hasSilo)
    {
        for (var step = 0; step < shardCount; step++)
        {
            var candidate = (shard + step) % shardCount;
            if (hasSilo(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// The number that decides a grain's shard, read from its key: a user's id, a directory's shard number,
    /// or for conversation-scoped keys ("a-b", "g7", "a-b/12") the conversation's shard key.
    /// </summary>
    public static bool TryGetShardKey(long? integerKey, string? stringKey, out long shardKey)
    {
        if (integerKey is { } key)
        {
            shardKey = key;
            return key >= 0;
        }

        var conversationPart = stringKey.AsSpan();
        var slash = conversationPart.IndexOf('/');
        if (slash >= 0)
        {
            conversationPart = conversationPart[..slash];
        }

        if (ConversationId.TryParse(conversationPart.ToString(), out var conversation))
        {
            shardKey = conversation.ShardKey;
            return true;
        }

        shardKey = 0;
        return false;
    }
}

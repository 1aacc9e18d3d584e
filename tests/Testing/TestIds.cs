namespace WhatsApp.Testing;

/// <summary>Fresh user ids for every test, so tests sharing a cluster or a system never meet.</summary>
public static class TestIds
{
    private static long _next = Random.Shared.NextInt64(1_000_000, 100_000_000_000) * 1000;

    /// <summary>A user id no other test of this run uses, on the given shard (of <paramref name="shardCount"/>) if one is asked for.</summary>
    public static long User(int? shard = null, int shardCount = 3)
    {
        var id = Interlocked.Add(ref _next, 7);
        while (shard is { } wanted && id % shardCount != wanted)
        {
            id = Interlocked.Increment(ref _next);
        }

        return id;
    }

    /// <summary>The id of two users' direct conversation, as the contract writes it ("a-b", smaller id first).</summary>
    public static string Conversation(long a, long b) => $"{Math.Min(a, b)}-{Math.Max(a, b)}";
}

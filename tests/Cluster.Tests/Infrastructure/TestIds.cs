namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>Fresh ids for every test, so tests sharing a cluster never meet.</summary>
public static class TestIds
{
    private static long _next = Random.Shared.NextInt64(1_000_000, 100_000_000_000) * 1000;

    /// <summary>A user id no other test uses, on the given shard if one is asked for.</summary>
    public static long User(int? shard = null)
    {
        var id = Interlocked.Add(ref _next, 7);
        while (shard is { } wanted && id % ChatTestCluster.ShardCount != wanted)
        {
            id = Interlocked.Increment(ref _next);
        }

        return id;
    }
}

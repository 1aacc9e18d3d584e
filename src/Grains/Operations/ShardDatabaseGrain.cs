using System.Diagnostics;
using Npgsql;
using WhatsApp.Grains.Abstractions.Operations;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Operations;

/// <summary>Probes its shard's database with `SELECT 1`, bounded so that a hung server reads as down, not as a stuck panel.</summary>
[GrainType(GrainTypes.ShardDatabase)]
[ShardPlacement]
public sealed class ShardDatabaseGrain(ShardDatabases databases, ShardMap shardMap) : ShardedGrain(shardMap), IShardDatabaseGrain
{
    private static readonly TimeSpan ProbeBound = TimeSpan.FromSeconds(2);

    public async Task<ShardDatabaseHealth> ProbeAsync()
    {
        var shard = this.GetPrimaryKeyLong();
        if (shard < 0 || shard >= databases.ShardCount)
        {
            throw new ArgumentOutOfRangeException(nameof(shard), shard, $"Shards are 0 to {databases.ShardCount - 1}.");
        }

        var database = databases.ForShard((int)shard);
        var clock = Stopwatch.StartNew();
        try
        {
            using var bound = new CancellationTokenSource(ProbeBound);
            await database.RunAsync(async source =>
            {
                await using var command = source.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(bound.Token);
            });
            return new ShardDatabaseHealth(database.Name, IsUp: true, clock.Elapsed.TotalMilliseconds, database.Index);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return new ShardDatabaseHealth(database.Name, IsUp: false, RoundTripMilliseconds: null, database.Index);
        }
    }
}

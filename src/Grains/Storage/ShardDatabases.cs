using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// Where each shard's data lives: the database of the shard that owns a key, whichever silo does the work (after a
/// failover the fallback silo writes to the dead silo's shard database). Shards configured with the same database share
/// one <see cref="ChatDatabase"/> (one pool, one group-commit writer), so a single database behaves exactly as before.
/// </summary>
public sealed class ShardDatabases : IAsyncDisposable
{
    private readonly ChatDatabase[] _byShard;

    public ShardDatabases(ShardConnectionStrings connectionStrings, IOptions<ClusterOptions> cluster)
    {
        Distinct = [.. connectionStrings.Distinct.Select((connectionString, index) =>
            new ChatDatabase(index, DataSourceFor(connectionString, MaxConnections), cluster.Value.ServiceId, UnflushedCommitsFor(connectionString)))];
        _byShard = [.. Enumerable.Range(0, connectionStrings.ByShard.Count).Select(shard => Distinct[connectionStrings.DatabaseIndexOf(shard)])];
    }

    /// <summary>At most this many pooled connections per database and silo unless the connection string asks for fewer.</summary>
    public const int MaxConnections = 20;

    /// <summary>Connections per database and silo for commits that need not wait for the disk (media chunks): few writers, large rows.</summary>
    public const int MaxUnflushedConnections = 4;

    /// <summary>Each database once, in the order of the first shard that uses it.</summary>
    public IReadOnlyList<ChatDatabase> Distinct { get; }

    public int ShardCount => _byShard.Length;

    public ChatDatabase ForShard(int shard) => _byShard[shard];

    public ChatDatabase ForUser(long userId) => _byShard[Shards.Of(userId, _byShard.Length)];

    public ChatDatabase ForConversation(ConversationId conversation) => _byShard[Shards.Of(conversation.ShardKey, _byShard.Length)];

    public async ValueTask DisposeAsync()
    {
        foreach (var database in Distinct)
        {
            await database.DataSource.DisposeAsync();
            await database.UnflushedCommits.DisposeAsync();
        }
    }

    /// <summary>
    /// Group commits need two connections, and a burst of activations should queue for a connection rather than exhaust
    /// the server's max_connections, which every silo and the grain-state provider's own pool share.
    /// </summary>
    private static NpgsqlDataSource DataSourceFor(string connectionString, int maxConnections)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = Math.Min(builder.ConnectionStringBuilder.MaxPoolSize, maxConnections);
        return builder.Build();
    }

    /// <summary>The same database, every session with synchronous_commit off (see <see cref="ChatDatabase.RunUnflushedAsync{T}"/>).</summary>
    private static NpgsqlDataSource UnflushedCommitsFor(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = $"{builder.Options} -c synchronous_commit=off".Trim();
        return DataSourceFor(builder.ConnectionString, MaxUnflushedConnections);
    }
}

/// <summary>Each shard's PostgreSQL connection string, by shard index (several may name the same database).</summary>
public sealed class ShardConnectionStrings
{
    private readonly int[] _databaseIndexOfShard;

    public ShardConnectionStrings(IReadOnlyList<string> byShard)
    {
        ByShard = byShard;
        var names = byShard.Select(ChatDatabase.NameOf).ToList();
        var distinctNames = names.Distinct(StringComparer.Ordinal).ToList();
        _databaseIndexOfShard = [.. names.Select(name => distinctNames.IndexOf(name))];
        Distinct = [.. distinctNames.Select(name => byShard[names.IndexOf(name)])];
    }

    public IReadOnlyList<string> ByShard { get; }

    /// <summary>Each database once, in the order of the first shard that uses it.</summary>
    public IReadOnlyList<string> Distinct { get; }

    /// <summary>The position in <see cref="Distinct"/> of the shard's database.</summary>
    public int DatabaseIndexOf(int shard) => _databaseIndexOfShard[shard];

    /// <summary>The same databases with each connection string changed (e.g. tuned for the hot path).</summary>
    public ShardConnectionStrings Select(Func<string, string> change) => new([.. ByShard.Select(change)]);
}

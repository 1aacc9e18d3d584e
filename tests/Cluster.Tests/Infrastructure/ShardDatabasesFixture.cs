using WhatsApp.Grains.Storage;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>Three real PostgreSQL servers, one per shard, for tests of where each shard's data lives.</summary>
public sealed class ShardDatabasesFixture : IAsyncLifetime
{
    public IReadOnlyList<PostgresServer> Servers { get; private set; } = [];

    public ShardConnectionStrings ConnectionStrings => new([.. Servers.Select(server => server.ConnectionString())]);

    public async Task InitializeAsync() =>
        Servers = await Task.WhenAll(Enumerable.Range(0, ChatTestCluster.ShardCount).Select(_ => PostgresServer.StartAsync()));

    /// <summary>How many rows of a table the shard's database holds for a cluster, under an extra condition.</summary>
    public async Task<long> CountAsync(int shard, string table, string serviceId, string condition = "true") =>
        await Servers[shard].QueryScalarAsync<long>($"SELECT count(*) FROM {table} WHERE service_id = '{serviceId}' AND ({condition})");

    public async Task DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ShardDatabasesCollection : ICollectionFixture<ShardDatabasesFixture>
{
    public const string Name = "shard databases";
}

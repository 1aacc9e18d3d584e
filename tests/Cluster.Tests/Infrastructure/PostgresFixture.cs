using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL server for every cluster test, plus one shared three-silo cluster for behaviour tests.
/// Each cluster gets its own ServiceId, so clusters never see each other's rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _sharedClusterLock = new(1, 1);
    private ChatTestCluster? _sharedCluster;

    public PostgresServer Server { get; private set; } = null!;

    public string ConnectionString => Server.ConnectionString();

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    /// <summary>The cluster shared by tests that neither kill silos nor restart the cluster.</summary>
    public async Task<ChatTestCluster> SharedClusterAsync()
    {
        await _sharedClusterLock.WaitAsync();
        try
        {
            return _sharedCluster ??= await ChatTestCluster.StartAsync(ConnectionString);
        }
        finally
        {
            _sharedClusterLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_sharedCluster is not null)
        {
            await _sharedCluster.DisposeAsync();
        }

        await Server.DisposeAsync();
        _sharedClusterLock.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Operations;
using WhatsApp.Grains.Storage;
using WhatsApp.Silo.Persistence;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>
/// A PostgreSQL restarted under pools full of idle connections, each of which died with the old server: the chat's own
/// statements and group commits still succeed on their first call once the server is back. A pool without that care,
/// filled the same way, shows the failures these tests guard against.
/// </summary>
public sealed class RestartedDatabaseTests : IAsyncLifetime
{
    private const int PooledConnections = 8;

    private PostgresServer _server = null!;

    public async Task InitializeAsync()
    {
        // Durable as shipped: a relaxed server stopped at once loses its last commits, and the tests count rows.
        _server = await PostgresServer.StartAsync(PostgresDurability.AsShipped);
        await new PostgresSchema(_server.ConnectionString(), NullLogger<PostgresSchema>.Instance).MigrateAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Statements_RunThroughTheDatabase_AfterARestart_AllSucceedOnTheirFirstCall()
    {
        await using var plain = NpgsqlDataSource.Create(_server.ConnectionString());
        var database = new ChatDatabase(0, NpgsqlDataSource.Create(_server.ConnectionString()), "restart-test");
        await using var chat = database.DataSource;
        await FillAsync(plain);
        await FillAsync(chat);

        await RestartServerAsync();

        var plainFailures = await CountFailuresAsync(() => SelectOneAsync(plain));
        var chatFailures = await CountFailuresAsync(() => database.RunAsync(SelectOneAsync));
        Assert.True(plainFailures > 0, "the restart left no dead connection in a plain pool: this test shows nothing");
        Assert.Equal(0, chatFailures);
    }

    [Fact]
    public async Task GroupCommits_AfterARestart_AllCommitOnTheirFirstCall()
    {
        var database = new ChatDatabase(0, NpgsqlDataSource.Create(_server.ConnectionString()), "restart-test");
        await using var chat = database.DataSource;
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        await using var writer = new GroupCommitWriter(
            database, new GroupCommitOptions { MaxConcurrentCommits = PooledConnections }, new ChatMetrics(services.GetRequiredService<IMeterFactory>()), NullLogger.Instance);
        var first = TestIds.User();
        await Task.WhenAll(Enumerable.Range(1, PooledConnections * 4).Select(i => writer.AppendAsync(Write(first, i, sequence: 1))));
        await FillAsync(chat);

        await RestartServerAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(1, PooledConnections * 4).Select(i => writer.AppendAsync(Write(first, i, sequence: 2))));
        Assert.All(outcomes, outcome => Assert.Equal(WriteOutcome.Committed, outcome));
        Assert.Equal(PooledConnections * 8L, await _server.QueryScalarAsync<long>("SELECT count(*) FROM chat_message WHERE service_id = 'restart-test'"));
    }

    private static ConversationWrite Write(long first, int pair, long sequence) =>
        new(ConversationId.Direct(first, first + pair), [new MessageRow(sequence, first, $"message {sequence}", $"c-{pair}-{sequence}", DateTimeOffset.UtcNow)], [], []);

    private async Task RestartServerAsync()
    {
        await _server.StopServerAsync();
        await _server.StartServerAsync();
    }

    /// <summary>Opens the pool's connections all at once, so it holds that many idle ones afterwards.</summary>
    private static async Task FillAsync(NpgsqlDataSource source)
    {
        var connections = await Task.WhenAll(Enumerable.Range(0, PooledConnections).Select(_ => source.OpenConnectionAsync().AsTask()));
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    private static async Task<int> SelectOneAsync(NpgsqlDataSource source)
    {
        await using var command = source.CreateCommand("SELECT 1");
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs the statement on as many connections as the pool holds, at once, and counts the calls that failed.</summary>
    private static async Task<int> CountFailuresAsync(Func<Task<int>> statement)
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, PooledConnections).Select(async _ =>
        {
            try
            {
                return await statement() == 1;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }));
        return outcomes.Count(succeeded => !succeeded);
    }
}

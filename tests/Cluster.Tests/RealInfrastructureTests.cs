using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Cluster.Tests;

/// <summary>The real silo host, three processes that find each other through a real Redis and store in a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RealInfrastructureTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 240_000)]
    public async Task ThreeSiloProcesses_RedisMembershipAndPostgresStorage_FormOneShardedClusterAndLeaveCleanly()
    {
        await using var redis = await RedisServer.StartAsync();
        var clusterId = "real-" + Guid.NewGuid().ToString("N")[..8];
        var database = postgres.Server.ConnectionString("real_" + Guid.NewGuid().ToString("N")[..8]);
        var silos = Enumerable.Range(0, 3).Select(shard => SiloProcess.Start(shard, database, redis.Configuration, clusterId)).ToList();
        try
        {
            using var clientHost = await StartClientAsync(redis.Configuration, clusterId);
            var client = clientHost.Services.GetRequiredService<IClusterClient>();
            var management = client.GetGrain<IManagementGrain>(0);
            await Eventually.ReturnsAsync(() => management.GetHosts(onlyActive: true), hosts => hosts.Count == 3, StartBound, "three active silos");

            var users = Enumerable.Range(0, 6).Select(_ => TestIds.User()).ToList();
            foreach (var user in users)
            {
                await client.RegisterAsync(user);
                var silo = await management.GetActivationAddress(client.GetGrain<IUserGrain>(user));
                Assert.Equal(silos.Single(s => s.Shard == user % 3).SiloPort, silo!.Endpoint.Port);
            }

            var message = await client.SendAsync(users[0], users[1], "through real Redis and Postgres");
            Assert.Equal([message], await client.HistoryAsync(users[1], users[0]));
            Assert.Equal(1L, await postgres.Server.QueryScalarAsync<long>(
                "SELECT count(*) FROM grain_state WHERE state_name = 'bucket'", new Npgsql.NpgsqlConnectionStringBuilder(database).Database!));

            // A silo asked to stop leaves the cluster at once, and its users are served by the fallback silo.
            var leaving = silos.Single(s => s.Shard == 2);
            await leaving.StopGracefullyAsync();
            Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(45)), "the silo did not stop within 45 s");
            Assert.Equal(0, leaving.ExitCode);
            await Eventually.ReturnsAsync(() => management.GetHosts(onlyActive: true), hosts => hosts.Count == 2, TimeSpan.FromSeconds(10), "the stopped silo leaving");
            var shardTwoUser = users.First(user => user % 3 == 2);
            var profile = await Eventually.SucceedsAsync(() => client.GetGrain<IUserGrain>(shardTwoUser).GetProfileAsync(), StartBound, "a shard-2 user after its silo left");
            Assert.Equal($"User {shardTwoUser}", profile?.DisplayName);
        }
        finally
        {
            foreach (var silo in silos)
            {
                output.WriteLine($"--- silo {silo.Shard} ---\n{silo.Output}");
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<IHost> StartClientAsync(string redis, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, clusterId)));
        var host = builder.Build();
        await Eventually.SucceedsAsync(async () => { await host.StartAsync(); return true; }, StartBound, "the client connecting");
        return host;
    }
}

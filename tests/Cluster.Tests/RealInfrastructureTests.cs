using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Cluster.Tests;

/// <summary>The real silo host: three processes that find each other through a real Redis and store in a real PostgreSQL.</summary>
[Collection(ProcessCollection.Name)]
[Trait(TestCategories.Name, TestCategories.System)]
public sealed class RealInfrastructureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ThreeSiloProcesses_RedisMembershipAndPostgresStorage_FormOneShardedClusterAndLeaveCleanly()
    {
        await using var system = await ChatSystem.StartAsync();
        try
        {
            using var clientHost = await StartClientAsync(system.Redis.Configuration, system.ClusterId);
            var client = clientHost.Services.GetRequiredService<IClusterClient>();
            var management = client.GetGrain<IManagementGrain>(0);
            var silos = await Eventually.ReturnsAsync(() => management.GetDetailedHosts(onlyActive: true), hosts => hosts.Length == 3, Bound, "three active silos");
            var shardOfSilo = silos.ToDictionary(silo => silo.SiloAddress, silo => Shards.TryParseSiloName(silo.SiloName, out var shard) ? shard : -1);

            var users = Enumerable.Range(0, 6).Select(_ => TestIds.User()).ToList();
            foreach (var user in users)
            {
                await client.RegisterAsync(user);
                var silo = await management.GetActivationAddress(client.GetGrain<IUserGrain>(user));
                Assert.Equal(user % 3, shardOfSilo[silo!]);
            }

            var message = await client.SendAsync(users[0], users[1], "through real Redis and Postgres");
            Assert.Equal([message], await client.HistoryAsync(users[1], users[0]));
            Assert.Equal(1L, await system.Postgres.QueryScalarAsync<long>("SELECT count(*) FROM chat_message"));

            // A silo asked to stop leaves the cluster at once, and its users are served by the fallback silo.
            var leaving = system.Silos[2];
            await leaving.StopGracefullyAsync();
            Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(45)), "the silo did not stop within 45 s");
            Assert.Equal(0, leaving.ExitCode);
            await Eventually.ReturnsAsync(() => management.GetHosts(onlyActive: true), hosts => hosts.Count == 2, TimeSpan.FromSeconds(10), "the stopped silo leaving");
            var shardTwoUser = users.First(user => user % 3 == 2);
            var profile = await Eventually.SucceedsAsync(() => client.GetGrain<IUserGrain>(shardTwoUser).GetProfileAsync(), Bound, "a shard-2 user after its silo left");
            Assert.Equal($"User {shardTwoUser}", profile?.DisplayName);
        }
        catch
        {
            output.WriteLine(system.Logs());
            throw;
        }
    }

    private static async Task<IHost> StartClientAsync(string redis, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client
            .UseRedisClustering(redis)
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, clusterId)));
        var host = builder.Build();
        await Eventually.SucceedsAsync(async () => { await host.StartAsync(); return true; }, Bound, "the client connecting");
        return host;
    }
}

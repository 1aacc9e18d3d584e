using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>The system's own figures: every process serves OpenTelemetry metrics in Prometheus text at /metrics.</summary>
[Collection(ChatSystemCollection.Name)]
public sealed class MetricsTests(ChatSystemFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GatewayMetrics_AfterSendsAndAHubConnection_ShowConnectedUsersSendDurationsOrleansAndTheManagedHeap()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        await using var aliceOnline = await HubSession.ConnectAsync(fixture.System.GatewayUrl, aliceAuth.Token);
        await alice.SendAsync(bobAuth.UserId, "counted over REST");
        await aliceOnline.Connection.InvokeAsync<Message>("SendMessage", bobAuth.UserId, "counted over the hub", null);

        // Scrape answers may be cached for a moment, so wait for one taken after the sends.
        var samples = await Eventually.ReturnsAsync(
            () => PrometheusSample.ScrapeAsync(fixture.System.GatewayUrl),
            scrape => SendCount(scrape, "rest") >= 1 && SendCount(scrape, "hub") >= 1,
            Bound,
            "both sends in the gateway's metrics");

        try
        {
            Assert.True(PrometheusSample.Total(samples, "whatsapp_gateway_connected_users") >= 1, "no connected user counted");
            Assert.True(PrometheusSample.Total(samples, "whatsapp_gateway_hub_connections") >= 1, "no hub connection counted");
            Assert.Contains(samples, sample => sample.Name == "whatsapp_gateway_send_duration_seconds_bucket");
            Assert.Contains(samples, sample => sample.Name.StartsWith("orleans_", StringComparison.Ordinal));
            Assert.True(PrometheusSample.Total(samples, "dotnet_gc_last_collection_heap_size_bytes") > 0, "no managed heap size");
            Assert.Contains(samples, sample => sample.Name.StartsWith("signalr_server_active_connections", StringComparison.Ordinal));
        }
        catch
        {
            output.WriteLine(string.Join('\n', samples.Select(sample => sample.Name).Distinct()));
            throw;
        }

        alice.Dispose();
    }

    [Fact]
    public async Task ShardHealth_AskedByManyTabsAtOnce_IsReadFromTheClusterOnceForAll()
    {
        using var anonymous = fixture.Api();
        var (tab, _) = await anonymous.RegisterAsync();
        using (tab)
        {
            var before = PrometheusSample.Total(await PrometheusSample.ScrapeAsync(fixture.System.GatewayUrl), "whatsapp_gateway_shard_health_reads_total");
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => tab.GetJsonAsync<List<ShardView>>("/api/health/shards")));
            Assert.All(answers, shards => Assert.Equal(ChatSystem.ShardCount, shards.Count));

            var after = await Eventually.ReturnsAsync(
                async () => PrometheusSample.Total(await PrometheusSample.ScrapeAsync(fixture.System.GatewayUrl), "whatsapp_gateway_shard_health_reads_total"),
                reads => reads > before,
                Bound,
                "the reads of the shards' health in the gateway's metrics");
            Assert.True(after - before <= 2, $"20 requests at once read the cluster {after - before} times");
        }
    }

    [Fact]
    public async Task SiloMetrics_OfEveryShard_ShowOrleansRuntimePostgresAndCommitFigures()
    {
        // A conversation lives on the shard of its lower id: one message per shard's conversation, so every silo commits.
        using var anonymous = fixture.Api();
        for (var shard = 0; shard < ChatSystem.ShardCount; shard++)
        {
            var (sender, _) = await anonymous.RegisterAsync(TestIds.User(shard));
            var (_, recipientAuth) = await anonymous.RegisterAsync();
            await sender.SendAsync(recipientAuth.UserId, "counted by the conversation's silo");
            sender.Dispose();
        }

        for (var shard = 0; shard < ChatSystem.ShardCount; shard++)
        {
            var samples = await PrometheusSample.ScrapeAsync(fixture.System.SiloMetricsUrl(shard));
            try
            {
                Assert.Contains(samples, sample => sample.Name.StartsWith("orleans_", StringComparison.Ordinal));
                Assert.True(PrometheusSample.Total(samples, "dotnet_gc_last_collection_heap_size_bytes") > 0, "no managed heap size");
                // Every silo checks the schema at start and keeps grain state in PostgreSQL: Npgsql's pools are there.
                Assert.Contains(samples, sample => sample.Name.StartsWith("db_client_connection", StringComparison.Ordinal));
                // Every silo's message writer has committed, and says in how large batches.
                Assert.Contains(samples, sample => sample.Name == "whatsapp_chat_commit_batch_size_count");
            }
            catch
            {
                output.WriteLine($"shard {shard}:\n" + string.Join('\n', samples.Select(sample => sample.Name).Distinct()));
                throw;
            }
        }
    }

    private static double SendCount(IReadOnlyList<PrometheusSample> samples, string transport) => samples
        .Where(sample => sample.Name == "whatsapp_gateway_send_duration_seconds_count"
            && sample.Labels.Contains($"transport=\"{transport}\"", StringComparison.Ordinal)
            && sample.Labels.Contains("outcome=\"sent\"", StringComparison.Ordinal))
        .Sum(sample => sample.Value);
}

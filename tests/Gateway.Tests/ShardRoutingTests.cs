using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>The gateway's calls land on the silo that hosts their grain, not on one that forwards them.</summary>
[Collection(ChatSystemCollection.Name)]
public sealed class ShardRoutingTests(ChatSystemFixture fixture, ITestOutputHelper output)
{
    private const int Conversations = 8, SendsEach = 5;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sends_IntoConversationsOfOneShard_ReachNoOtherShardsSilo()
    {
        using var anonymous = fixture.Api();
        // Users and conversations of shard 1 only: every call of this test is for a grain of shard 1.
        var senders = new List<ChatApi>();
        var recipients = new List<long>();
        for (var i = 0; i < Conversations; i++)
        {
            senders.Add((await anonymous.RegisterAsync(TestIds.User(shard: 1))).Api);
            recipients.Add((await anonymous.RegisterAsync(TestIds.User(shard: 1))).Auth.UserId);
        }

        await Eventually.ReturnsAsync(
            () => PrometheusSample.ScrapeAsync(fixture.System.GatewayUrl),
            samples => PrometheusSample.Total(samples, "whatsapp_gateway_shard_client_connected") == ChatSystem.ShardCount,
            Bound,
            "every shard's client connected");
        var before = await ClientRequestsAtOtherSilosAsync();
        var sending = System.Diagnostics.Stopwatch.StartNew();
        for (var round = 0; round < SendsEach; round++)
        {
            await Task.WhenAll(senders.Select((sender, i) => sender.SendAsync(recipients[i], $"round {round}")));
        }

        // Scrape answers may be cached for a moment.
        var window = sending.Elapsed + TimeSpan.FromSeconds(2);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var during = await ClientRequestsAtOtherSilosAsync() - before;

        // The clients' own traffic (membership, manifests, the gateway's renewals) reaches every silo whatever the test
        // does; an equal window without sends says how much of it fell into this one, on a busy machine a few requests.
        var quietStart = await ClientRequestsAtOtherSilosAsync();
        await Task.Delay(window);
        var quiet = await ClientRequestsAtOtherSilosAsync() - quietStart;
        var reached = during - quiet;
        output.WriteLine($"{Conversations * SendsEach} sends into shard 1's conversations; requests from clients at shards 0 and 2: {during} during the sends, {quiet} in as long without");
        // Through one client, Orleans would send each conversation's calls through any of the three silos: about two
        // thirds of the 40 sends would arrive at shard 0's or 2's silo and be forwarded from there.
        Assert.True(reached < Conversations * SendsEach / 4, $"{reached} requests from clients reached other shards' silos");
        foreach (var sender in senders)
        {
            sender.Dispose();
        }
    }

    /// <summary>Requests that clients (gateways) sent to the silos of shards 0 and 2, from Orleans' own messaging meter.</summary>
    private async Task<double> ClientRequestsAtOtherSilosAsync()
    {
        var total = 0.0;
        foreach (var shard in new[] { 0, 2 })
        {
            var samples = await PrometheusSample.ScrapeAsync(fixture.System.SiloMetricsUrl(shard));
            total += samples
                .Where(sample => sample.Name == "orleans_messaging_received_messages_size_bytes_count"
                    && sample.Labels.Contains("ConnectionDirection=\"GatewayToClient\"", StringComparison.Ordinal)
                    && sample.Labels.Contains("MessageDirection=\"Request\"", StringComparison.Ordinal))
                .Sum(sample => sample.Value);
        }

        return total;
    }
}

using System.Diagnostics;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Measurement;

/// <summary>
/// Measures what a load window costs: the CPU time of every process of the deployment and of the load generator, and
/// the messages the Orleans runtimes of the silos and the gateways sent, each read right before and right after it.
/// </summary>
public sealed class ResourceMeter(BenchmarkDeployment deployment, long ticksPerSecond)
{
    /// <summary>
    /// Orleans' <c>orleans-messaging-sent-messages-size</c> histogram: one observation per message written to a
    /// connection (Connection.ProcessOutgoing), silo to silo, silo to client and client to silo alike, pings included.
    /// </summary>
    private const string NetworkMessagesSent = "orleans_messaging_sent_messages_size_bytes_count";

    /// <summary>
    /// Orleans' <c>orleans-messaging-sent-local</c> counter: a message (request or response) from one activation to
    /// another of the same silo, which MessageCenter hands over without a connection.
    /// </summary>
    private const string LocalMessagesSent = "orleans_messaging_sent_local_total";

    public static async Task<ResourceMeter> CreateAsync(BenchmarkDeployment deployment) =>
        new(deployment, await ProcessTimes.TicksPerSecondAsync());

    /// <summary>Reads everything at the two Stopwatch timestamps and returns what was spent between them.</summary>
    public async Task<ResourceUse> MeasureAsync(long windowStart, long windowEnd)
    {
        // The CPU times, read from /proc at once, mark the window's edges exactly; each scrape of the message counters
        // follows them. Scraped first, a /metrics answer slower than a whole window (a one-second smoke window on a busy
        // machine) left the CPU to be read after the window had ended, as nothing spent. Answering the first scrape costs
        // the processes a few milliseconds inside the window.
        await DelayUntilAsync(windowStart);
        var cpuBefore = ReadCpu();
        var messagesBefore = await CountMessagesAsync();
        await DelayUntilAsync(windowEnd);
        var cpuAfter = ReadCpu();
        var messagesAfter = await CountMessagesAsync();

        double Milliseconds(Func<CpuTicks, long> role) => (role(cpuAfter) - role(cpuBefore)) * 1000.0 / ticksPerSecond;
        return new ResourceUse(
            messagesAfter.All - messagesBefore.All,
            messagesAfter.Network - messagesBefore.Network,
            Milliseconds(ticks => ticks.Silos),
            Milliseconds(ticks => ticks.Gateways),
            Milliseconds(ticks => ticks.Postgres),
            Milliseconds(ticks => ticks.Redis),
            Milliseconds(ticks => ticks.LoadGenerator));
    }

    private sealed record CpuTicks(long Silos, long Gateways, long Postgres, long Redis, long LoadGenerator);

    private sealed record MessageCounts(double? All, double? Network);

    /// <summary>
    /// The processes running now, so a silo restarted before the window is read as itself; one restarted within a
    /// window would make that window's figures wrong, and no scenario measures cost across a restart.
    /// </summary>
    private CpuTicks ReadCpu()
    {
        var system = deployment.System;
        var times = ProcessTimes.ReadNow();
        return new CpuTicks(
            times.TreeTicks(system.RunningSilos.Select(silo => silo.Id)),
            times.TreeTicks(system.Gateways.Where(gateway => !gateway.HasExited).Select(gateway => gateway.Id)),
            times.TreeTicks(system.Databases.Select(database => database.ServerProcessId)),
            times.TreeTicks([system.Redis.ProcessId]),

            // Its own time only: the silos and gateways are its children, and their time is counted above.
            times.OwnTicks(Environment.ProcessId));
    }

    /// <summary>Summed over every silo and gateway; absent when one of them did not answer, as a partial sum would mislead.</summary>
    private async Task<MessageCounts> CountMessagesAsync()
    {
        try
        {
            var scrapes = await Task.WhenAll(deployment.MetricsUrls.Select(PrometheusSample.ScrapeAsync));
            var network = scrapes.Sum(samples => PrometheusSample.Total(samples, NetworkMessagesSent));
            return new MessageCounts(network + scrapes.Sum(samples => PrometheusSample.Total(samples, LocalMessagesSent)), network);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new MessageCounts(null, null);
        }
    }

    private static async Task DelayUntilAsync(long timestamp)
    {
        if (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp) is { Ticks: > 0 } wait)
        {
            await Task.Delay(wait);
        }
    }
}

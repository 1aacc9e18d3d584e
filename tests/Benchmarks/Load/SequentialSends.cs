using System.Diagnostics;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Measurement;

namespace WhatsApp.Benchmarks.Load;

/// <summary>A sender and the recipient it sends to, one send at a time.</summary>
public sealed record SendLane(ChatUser From, long ToUserId);

/// <summary>What one lane measured: REST send→201 latencies and the sends that failed.</summary>
public sealed record LaneResult(Percentiles? Latency, int Errors);

/// <summary>
/// One send at a time over REST, taking the lanes in turn, so every lane meets the same moments of a noisy machine and
/// a ratio of their latencies is fair within one run.
/// </summary>
public static class SequentialSends
{
    /// <summary>Sends per lane before the window, not counted: the first send into a conversation activates it.</summary>
    private const int WarmupSendsPerLane = 5;

    public static async Task<IReadOnlyList<LaneResult>> RunAsync(ChatApi api, IReadOnlyList<SendLane> lanes, TimeSpan duration)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var latencies = lanes.Select(_ => new List<double>()).ToArray();
        var errors = new int[lanes.Count];
        var clock = new Stopwatch();
        for (var round = 0; round < WarmupSendsPerLane || clock.Elapsed < duration; round++)
        {
            if (round == WarmupSendsPerLane)
            {
                clock.Start();
            }

            for (var lane = 0; lane < lanes.Count; lane++)
            {
                var started = Stopwatch.GetTimestamp();
                var acknowledged = await api.SendAsync(lanes[lane].From, lanes[lane].ToUserId, MessageContent.Of(round), $"{runId}-{lane}-{round}");
                if (round < WarmupSendsPerLane)
                {
                    continue;
                }

                if (acknowledged)
                {
                    latencies[lane].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    errors[lane]++;
                }
            }
        }

        return [.. latencies.Zip(errors, (lane, failed) => new LaneResult(Percentiles.Of(lane), failed))];
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Measurement;

namespace WhatsApp.Benchmarks.Load;

/// <summary>A group of the benchmark: its id and its members, as indexes into the connected users.</summary>
public sealed record BenchmarkGroup(long Id, IReadOnlyList<int> Members);

/// <summary>
/// What a group window achieved: acknowledged sends, and deliveries (one per member's connection that got the message,
/// the sender's own excluded), with the latency from each send to each of its deliveries, and what each acknowledged
/// send cost (absent when none was).
/// </summary>
public sealed record GroupLoadResult(double AckedPerSecond, double DeliveriesPerSecond, Percentiles? Ack, Percentiles? Delivery, int Errors, long Missing, ResourceUse? PerSend);

/// <summary>Members of groups sending to their groups over REST, as many at once as the window allows.</summary>
public static class GroupLoad
{
    /// <summary>How long the window's acknowledged sends may still take to reach every member.</summary>
    private static readonly TimeSpan DeliveryGrace = TimeSpan.FromSeconds(10);

    /// <summary>Groups of distinct random connected users; the first member creates each (and is its admin).</summary>
    public static async Task<IReadOnlyList<BenchmarkGroup>> CreateAsync(BenchmarkDeployment deployment, ConnectedUsers users, int groups, int membersEach)
    {
        var created = new BenchmarkGroup[groups];
        await Bulk.RunAsync($"creating {groups} groups of {membersEach} members", groups, inFlight: 8, async index =>
        {
            var members = Enumerable.Range(0, users.Count).OrderBy(_ => Random.Shared.Next()).Take(membersEach).ToList();
            var id = await deployment.Api.CreateGroupAsync(users.User(members[0]), $"Bench group {index}", [.. members.Skip(1).Select(member => users.User(member).Id)]);
            created[index] = new BenchmarkGroup(id, members);
        });
        return created;
    }

    public static async Task<GroupLoadResult> RunAsync(
        BenchmarkDeployment deployment, ConnectedUsers users, IReadOnlyList<BenchmarkGroup> groups, int inFlight, TimeSpan duration, TimeSpan warmup, ResourceMeter meter)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + Ticks(warmup);
        var windowEnd = windowStart + Ticks(duration);
        bool InWindow(long timestamp) => timestamp >= windowStart && timestamp < windowEnd;

        // Each send in flight or acknowledged: when it went out, and how many member connections have still to get it.
        var outstanding = new ConcurrentDictionary<string, Outstanding>();
        var ackLatencies = new ConcurrentQueue<double>();
        var deliveryLatencies = new ConcurrentQueue<double>();
        int acked = 0, deliveries = 0, errors = 0;
        var issued = -1L;

        void OnDelivered(string clientMessageId, long receivedAt)
        {
            if (!outstanding.TryGetValue(clientMessageId, out var send))
            {
                return;
            }

            if (Interlocked.Decrement(ref send.Remaining) == 0)
            {
                outstanding.TryRemove(clientMessageId, out _);
            }

            if (InWindow(receivedAt))
            {
                Interlocked.Increment(ref deliveries);
            }

            if (InWindow(send.SentAt))
            {
                deliveryLatencies.Enqueue(Stopwatch.GetElapsedTime(send.SentAt, receivedAt).TotalMilliseconds);
            }
        }

        async Task SendUntilWindowEndsAsync()
        {
            while (Stopwatch.GetTimestamp() < windowEnd)
            {
                var sequence = Interlocked.Increment(ref issued);
                var group = groups[Random.Shared.Next(groups.Count)];
                var from = group.Members[Random.Shared.Next(group.Members.Count)];
                var clientMessageId = $"{runId}-{sequence}";
                var sentAt = Stopwatch.GetTimestamp();
                outstanding[clientMessageId] = new Outstanding(sentAt, group.Members.Count - 1);
                bool ok;
                try
                {
                    ok = await deployment.Api.SendToGroupAsync(users.User(from), group.Id, MessageContent.Of(sequence), clientMessageId);
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                }

                var ackedAt = Stopwatch.GetTimestamp();
                if (!ok)
                {
                    outstanding.TryRemove(clientMessageId, out _);
                    if (InWindow(sentAt))
                    {
                        Interlocked.Increment(ref errors);
                    }

                    continue;
                }

                if (InWindow(ackedAt))
                {
                    Interlocked.Increment(ref acked);
                }

                if (InWindow(sentAt))
                {
                    ackLatencies.Enqueue(Stopwatch.GetElapsedTime(sentAt, ackedAt).TotalMilliseconds);
                }
            }
        }

        var spent = meter.MeasureAsync(windowStart, windowEnd);
        users.Delivered += OnDelivered;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(SendUntilWindowEndsAsync)));
            var grace = Stopwatch.StartNew();
            while (outstanding.Values.Any(send => InWindow(send.SentAt)) && grace.Elapsed < DeliveryGrace)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            users.Delivered -= OnDelivered;
        }

        var seconds = duration.TotalSeconds;
        return new GroupLoadResult(
            acked / seconds,
            deliveries / seconds,
            Percentiles.Of(ackLatencies),
            Percentiles.Of(deliveryLatencies),
            errors,
            outstanding.Values.Where(send => InWindow(send.SentAt)).Sum(send => (long)Volatile.Read(ref send.Remaining)),
            (await spent).Per(acked));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>A send whose deliveries are still being counted.</summary>
    private sealed class Outstanding(long sentAt, int remaining)
    {
        public long SentAt { get; } = sentAt;

        public int Remaining = remaining;
    }
}

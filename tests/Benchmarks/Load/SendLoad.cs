using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Benchmarks.Deployment;
using WhatsApp.Benchmarks.Measurement;

namespace WhatsApp.Benchmarks.Load;

public enum SendChannel
{
    /// <summary>POST /api/messages, acknowledged by its 201.</summary>
    Rest,

    /// <summary>The hub's SendMessage, acknowledged by its returned Message.</summary>
    Hub,
}

/// <summary>Who a send goes to.</summary>
public enum Pairing
{
    /// <summary>A random other user each time: nearly every send is the first message of its conversation.</summary>
    Random,

    /// <summary>Each user always to the same partner: after the warm-up every conversation is active, as in a day of chat.</summary>
    Steady,
}

/// <summary>
/// How a load window sends: through which channel, how many sends in flight at most, to whom, and either as fast as they
/// are acknowledged (closed loop) or at a fixed rate. Only what happens inside the window after the warm-up counts.
/// </summary>
public sealed record LoadShape(SendChannel Channel, int InFlight, TimeSpan Duration, TimeSpan Warmup, double? RatePerSecond = null, Pairing Pairing = Pairing.Random)
{
    public override string ToString() => (RatePerSecond is { } rate ? $"{Channel} at {rate:F0}/s" : $"{Channel}, {InFlight} in flight")
        + (Pairing == Pairing.Steady ? ", steady pairs" : "");
}

/// <summary>
/// What a load window achieved, and what each acknowledged send cost (absent when none was). Latencies are from the send
/// to its acknowledgement and to the recipient's event.
/// </summary>
public sealed record LoadResult(double AckedPerSecond, double DeliveredPerSecond, Percentiles? Ack, Percentiles? Delivery, int Errors, int Undelivered, ResourceUse? PerSend);

/// <summary>Sends between pairs of connected users, each with a fresh clientMessageId.</summary>
public static class SendLoad
{
    /// <summary>How long the window's acknowledged sends may still take to reach their recipients.</summary>
    private static readonly TimeSpan DeliveryGrace = TimeSpan.FromSeconds(5);

    /// <summary>Users 0 and 1, 2 and 3, ... are partners; with an odd count the last one writes to the first.</summary>
    private static int PartnerOf(int user, int count) => (user ^ 1) < count ? user ^ 1 : 0;

    public static async Task<LoadResult> RunAsync(BenchmarkDeployment deployment, ConnectedUsers users, LoadShape shape, ResourceMeter meter)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + Ticks(shape.Warmup);
        var windowEnd = windowStart + Ticks(shape.Duration);
        bool InWindow(long timestamp) => timestamp >= windowStart && timestamp < windowEnd;

        // Sends not yet delivered, with the time each was due: in a fixed-rate window a send that starts late because the
        // system is behind still counts from when it should have gone out, so queueing delay is not hidden.
        var undelivered = new ConcurrentDictionary<string, long>();
        var ackLatencies = new ConcurrentQueue<double>();
        var deliveryLatencies = new ConcurrentQueue<double>();
        int acked = 0, delivered = 0, errors = 0;
        var issued = -1L;

        void OnDelivered(string clientMessageId, long receivedAt)
        {
            if (!undelivered.TryRemove(clientMessageId, out var dueAt))
            {
                return;
            }

            if (InWindow(receivedAt))
            {
                Interlocked.Increment(ref delivered);
            }

            if (InWindow(dueAt))
            {
                deliveryLatencies.Enqueue(Stopwatch.GetElapsedTime(dueAt, receivedAt).TotalMilliseconds);
            }
        }

        async Task SendUntilWindowEndsAsync()
        {
            while (true)
            {
                var sequence = Interlocked.Increment(ref issued);
                var dueAt = shape.RatePerSecond is { } rate ? start + (long)(sequence * Stopwatch.Frequency / rate) : Stopwatch.GetTimestamp();
                if (dueAt >= windowEnd)
                {
                    return;
                }

                if (Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), dueAt) is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait);
                }

                var from = Random.Shared.Next(users.Count);
                var to = shape.Pairing == Pairing.Steady ? PartnerOf(from, users.Count) : (from + 1 + Random.Shared.Next(users.Count - 1)) % users.Count;
                var clientMessageId = $"{runId}-{sequence}";
                undelivered[clientMessageId] = dueAt;
                var ok = await SendAsync(deployment, users, shape.Channel, from, users.User(to).Id, MessageContent.Of(sequence), clientMessageId);
                var ackedAt = Stopwatch.GetTimestamp();
                if (!ok)
                {
                    undelivered.TryRemove(clientMessageId, out _);
                    if (InWindow(dueAt))
                    {
                        Interlocked.Increment(ref errors);
                    }

                    continue;
                }

                if (InWindow(ackedAt))
                {
                    Interlocked.Increment(ref acked);
                }

                if (InWindow(dueAt))
                {
                    ackLatencies.Enqueue(Stopwatch.GetElapsedTime(dueAt, ackedAt).TotalMilliseconds);
                }
            }
        }

        var spent = meter.MeasureAsync(windowStart, windowEnd);
        users.Delivered += OnDelivered;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, shape.InFlight).Select(_ => Task.Run(SendUntilWindowEndsAsync)));
            var grace = Stopwatch.StartNew();
            while (!undelivered.IsEmpty && grace.Elapsed < DeliveryGrace)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            users.Delivered -= OnDelivered;
        }

        var seconds = shape.Duration.TotalSeconds;
        return new LoadResult(
            acked / seconds,
            delivered / seconds,
            Percentiles.Of(ackLatencies),
            Percentiles.Of(deliveryLatencies),
            errors,
            undelivered.Values.Count(InWindow),
            (await spent).Per(acked));
    }

    private static async Task<bool> SendAsync(BenchmarkDeployment deployment, ConnectedUsers users, SendChannel channel, int from, long toUserId, string content, string clientMessageId)
    {
        try
        {
            if (channel == SendChannel.Rest)
            {
                return await deployment.Api.SendAsync(users.User(from), toUserId, content, clientMessageId);
            }

            await users.Hub(from).InvokeAsync<JsonElement>("SendMessage", toUserId, content, clientMessageId);
            return true;
        }
        catch (Exception exception) when (exception is HubException or HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            // A refused or failed send is counted as an error; the window goes on.
            return false;
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

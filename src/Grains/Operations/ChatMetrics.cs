using System.Diagnostics.Metrics;

namespace WhatsApp.Grains.Operations;

/// <summary>
/// The silo's own figures (meter "WhatsApp.Chat", exported at /metrics): what a send costs and how well commits group.
/// </summary>
public sealed class ChatMetrics
{
    public const string MeterName = "WhatsApp.Chat";

    // Sends and commits take milliseconds: the OpenTelemetry default buckets (0 to 10,000) would put all in the first.
    private static readonly IReadOnlyList<double> DurationBuckets =
        [0.0005, 0.001, 0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private static readonly IReadOnlyList<int> BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly Counter<long> _messagesStored;
    private readonly Histogram<double> _sendDuration;
    private readonly Histogram<int> _commitBatchSize;
    private readonly Histogram<double> _commitDuration;

    public ChatMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _messagesStored = meter.CreateCounter<long>("whatsapp.chat.messages.stored", "{message}", "Messages committed to PostgreSQL.");
        _sendDuration = Duration(meter, "whatsapp.chat.send.duration", "From a send reaching its conversation grain to its acknowledgement (committed).");
        _commitBatchSize = meter.CreateHistogram(
            "whatsapp.chat.commit.batch.size",
            unit: "{message}",
            description: "Messages in one group commit (one transaction, one round trip).",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBuckets });
        _commitDuration = Duration(meter, "whatsapp.chat.commit.duration", "Time one group commit takes, round trips and fsync included.");
    }

    public void SendAcknowledged(TimeSpan elapsed) => _sendDuration.Record(elapsed.TotalSeconds);

    public void Committed(int messages, TimeSpan elapsed)
    {
        _messagesStored.Add(messages);
        _commitBatchSize.Record(messages);
        _commitDuration.Record(elapsed.TotalSeconds);
    }

    private static Histogram<double> Duration(Meter meter, string name, string description) => meter.CreateHistogram(
        name,
        unit: "s",
        description: description,
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
}

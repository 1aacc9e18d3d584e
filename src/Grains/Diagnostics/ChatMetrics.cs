using System.Diagnostics.Metrics;

namespace WhatsApp.Grains.Diagnostics;

/// <summary>
/// The silo's own figures (meter "WhatsApp.Chat", exported at /metrics): what a send costs and how well commits group.
/// </summary>
public sealed class ChatMetrics
{
    public const string MeterName = "WhatsApp.Chat";

    private readonly Counter<long> _messagesStored;
    private readonly Histogram<double> _sendDuration;
    private readonly Histogram<int> _commitBatchSize;
    private readonly Histogram<double> _commitDuration;

    public ChatMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _messagesStored = meter.CreateCounter<long>("whatsapp.messages.stored", "{message}", "Messages committed to PostgreSQL.");
        _sendDuration = meter.CreateHistogram<double>("whatsapp.send.duration", "ms",
            "From a send reaching its conversation grain to its acknowledgement (committed).");
        _commitBatchSize = meter.CreateHistogram<int>("whatsapp.commit.batch.size", "{message}",
            "Messages in one group commit (one transaction, one round trip).");
        _commitDuration = meter.CreateHistogram<double>("whatsapp.commit.duration", "ms", "Time one group commit takes, round trips and fsync included.");
    }

    public void SendAcknowledged(TimeSpan elapsed) => _sendDuration.Record(elapsed.TotalMilliseconds);

    public void Committed(int messages, TimeSpan elapsed)
    {
        _messagesStored.Add(messages);
        _commitBatchSize.Record(messages);
        _commitDuration.Record(elapsed.TotalMilliseconds);
    }
}

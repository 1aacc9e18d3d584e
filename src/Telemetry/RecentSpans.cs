using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using WhatsApp.Grains.Abstractions.Diagnostics;

namespace WhatsApp.Telemetry;

/// <summary>
/// The recorded spans of this process for the last few minutes (Tracing:KeepFor), at most Tracing:MaxSpans of them:
/// what a message's path is put together from, with no collector to run. Oldest spans go first.
/// </summary>
public sealed class RecentSpans(IOptions<TracingOptions> options, TimeProvider time, string where) : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<TraceSpan> _spans = new();
    private int _count;

    public override void OnEnd(Activity data)
    {
        if (!data.Recorded)
        {
            return;
        }

        var tags = new Dictionary<string, string>();
        foreach (var (key, value) in data.TagObjects)
        {
            if (value is not null)
            {
                tags[key] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            }
        }

        _spans.Enqueue(new TraceSpan(
            data.TraceId.ToHexString(),
            data.SpanId.ToHexString(),
            data.ParentSpanId == default ? null : data.ParentSpanId.ToHexString(),
            data.DisplayName,
            data.Kind.ToString(),
            where,
            new DateTimeOffset(data.StartTimeUtc, TimeSpan.Zero),
            Math.Round(data.Duration.TotalMilliseconds, 3),
            tags));
        Interlocked.Increment(ref _count);
        Trim();
    }

    /// <summary>The traces among the kept spans that name this message.</summary>
    public IReadOnlyList<string> TracesOfMessage(string conversationId, long sequence)
    {
        var wanted = sequence.ToString(CultureInfo.InvariantCulture);
        return [.. _spans
            .Where(span => span.Tags.GetValueOrDefault(ChatTracing.ConversationTag) == conversationId && span.Tags.GetValueOrDefault(ChatTracing.SequenceTag) == wanted)
            .Select(span => span.TraceId)
            .Distinct()];
    }

    public IReadOnlyList<TraceSpan> SpansOf(IReadOnlyCollection<string> traceIds) =>
        [.. _spans.Where(span => traceIds.Contains(span.TraceId))];

    private void Trim()
    {
        var oldest = time.GetUtcNow() - options.Value.KeepFor;
        while (_spans.TryPeek(out var first) && (Volatile.Read(ref _count) > options.Value.MaxSpans || first.Start < oldest))
        {
            if (_spans.TryDequeue(out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}

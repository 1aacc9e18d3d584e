using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using WhatsApp.Grains.Abstractions.Operations;

namespace WhatsApp.Telemetry;

/// <summary>
/// The recorded spans of this process for the last few minutes (Tracing:KeepFor), at most Tracing:MaxSpans of them:
/// what a message's path is put together from, with no collector to run. Oldest spans go first. A span is kept as the
/// activity left it (its tags uncopied) and turned into a <see cref="TraceSpan"/> only when a path asks for it: every
/// send ends a dozen spans, and few paths are ever opened.
/// </summary>
public sealed class RecentSpans(IOptions<TracingOptions> options, TimeProvider time, string where) : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<KeptSpan> _spans = new();
    private int _count;

    public override void OnEnd(Activity data)
    {
        if (!data.Recorded)
        {
            return;
        }

        _spans.Enqueue(new KeptSpan(data.TraceId, data.SpanId, data.ParentSpanId, data.DisplayName, data.Kind, data.StartTimeUtc, data.Duration, [.. data.TagObjects]));
        Interlocked.Increment(ref _count);
        Trim();
    }

    /// <summary>The traces among the kept spans that name this message.</summary>
    public IReadOnlyList<string> TracesOfMessage(string conversationId, long sequence) =>
        [.. _spans
            .Where(span => Equals(span.Tag(ChatTracing.ConversationTag), conversationId) && Equals(span.Tag(ChatTracing.SequenceTag), sequence))
            .Select(span => span.TraceId.ToHexString())
            .Distinct()];

    public IReadOnlyList<TraceSpan> SpansOf(IReadOnlyCollection<string> traceIds) =>
        [.. _spans.Where(span => traceIds.Contains(span.TraceId.ToHexString())).Select(span => span.ToTraceSpan(where))];

    private void Trim()
    {
        var oldest = time.GetUtcNow().UtcDateTime - options.Value.KeepFor;
        while (_spans.TryPeek(out var first) && (Volatile.Read(ref _count) > options.Value.MaxSpans || first.Start < oldest))
        {
            if (_spans.TryDequeue(out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private sealed record KeptSpan(
        ActivityTraceId TraceId, ActivitySpanId SpanId, ActivitySpanId ParentSpanId, string Name, ActivityKind Kind, DateTime Start, TimeSpan Duration,
        KeyValuePair<string, object?>[] Tags)
    {
        public object? Tag(string key) => Array.Find(Tags, tag => tag.Key == key).Value;

        public TraceSpan ToTraceSpan(string where) => new(
            TraceId.ToHexString(),
            SpanId.ToHexString(),
            ParentSpanId == default ? null : ParentSpanId.ToHexString(),
            Name,
            Kind.ToString(),
            where,
            new DateTimeOffset(Start, TimeSpan.Zero),
            Math.Round(Duration.TotalMilliseconds, 3),
            Tags.Where(tag => tag.Value is not null)
                .GroupBy(tag => tag.Key)
                .ToDictionary(group => group.Key, group => Convert.ToString(group.Last().Value, CultureInfo.InvariantCulture) ?? string.Empty));
    }
}

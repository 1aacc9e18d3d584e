namespace WhatsApp.Grains.Abstractions.Operations;

/// <summary>
/// One finished span as a process kept it: which trace it belongs to, its parent, what it was, where it ran (a silo
/// and its shard, or a gateway), when it started and how long it took, and its tags.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.TraceSpan")]
public sealed record TraceSpan(
    [property: Id(0)] string TraceId,
    [property: Id(1)] string SpanId,
    [property: Id(2)] string? ParentSpanId,
    [property: Id(3)] string Name,
    [property: Id(4)] string Kind,
    [property: Id(5)] string Where,
    [property: Id(6)] DateTimeOffset Start,
    [property: Id(7)] double DurationMs,
    [property: Id(8)] IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// The spans a silo keeps in memory (key: a shard number; the grain lives on that shard's silo, or on the silo that took
/// the shard over). The gateway asks every shard's to put a message's path together.
/// </summary>
public interface ISiloSpansGrain : IGrainWithIntegerKey
{
    /// <summary>The traces, among those this silo kept, that stored or carried this message.</summary>
    Task<IReadOnlyList<string>> TracesOfMessageAsync(string conversationId, long sequence);

    /// <summary>The spans of these traces this silo kept.</summary>
    Task<IReadOnlyList<TraceSpan>> SpansAsync(IReadOnlyList<string> traceIds);
}

using Orleans.Concurrency;
using WhatsApp.Grains.Abstractions.Operations;
using WhatsApp.Grains.Placement;
using WhatsApp.Telemetry;

namespace WhatsApp.Grains.Operations;

/// <summary>
/// Reads the spans this silo keeps in memory (<see cref="RecentSpans"/>). Keyed by shard and placed like the shard's
/// grains, so asking every shard's reaches every live silo; a silo serving two shards answers twice, alike.
/// </summary>
[GrainType(GrainTypes.SiloSpans)]
[ShardPlacement]
[Reentrant]
public sealed class SiloSpansGrain(RecentSpans spans, ShardMap shardMap) : ShardedGrain(shardMap), ISiloSpansGrain
{
    public Task<IReadOnlyList<string>> TracesOfMessageAsync(string conversationId, long sequence) =>
        Task.FromResult(spans.TracesOfMessage(conversationId, sequence));

    public Task<IReadOnlyList<TraceSpan>> SpansAsync(IReadOnlyList<string> traceIds) =>
        Task.FromResult(spans.SpansOf(traceIds.ToHashSet()));
}

using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace WhatsApp.Benchmarks.Measurement;

/// <summary>
/// The managed heap of another .NET process right after a full, blocking collection. It attaches over the runtime's
/// diagnostics port (as dotnet-trace and dotnet-gcdump do) and opens an EventPipe session with the GCHeapCollect keyword,
/// which makes the runtime run a full blocking GC at once; the GC keyword in the same session brings that collection's
/// GCHeapStats event, whose generation sizes (0, 1, 2, large and pinned objects) are what survived it.
/// </summary>
public static class ManagedHeapProbe
{
    public const string Method = "EventPipe: full blocking GC induced with the GCHeapCollect keyword, heap size from its GCHeapStats event";

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static async Task<long> BytesAfterFullCollectionAsync(int processId)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        var client = new DiagnosticsClient(processId);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, keywords)], requestRundown: false, token: CancellationToken.None);
        using var source = new EventPipeEventSource(session.EventStream);

        // Only the stats of a full (generation 2) collection that started after the session did count: a background
        // or ephemeral GC running at that moment says nothing about what survives a full one.
        var fullCollectionStarted = false;
        var heapBytes = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Clr.GCStart += start => fullCollectionStarted |= start.Depth == 2 && start.Type == GCType.NonConcurrentGC;
        source.Clr.GCHeapStats += stats =>
        {
            if (fullCollectionStarted)
            {
                heapBytes.TrySetResult(stats.GenerationSize0 + stats.GenerationSize1 + stats.GenerationSize2 + stats.GenerationSize3 + stats.GenerationSize4);
            }
        };
        var processing = Task.Run(source.Process);
        try
        {
            return await heapBytes.Task.WaitAsync(Bound);
        }
        finally
        {
            await session.StopAsync(CancellationToken.None);
            await processing;
        }
    }
}

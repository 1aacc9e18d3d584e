using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Operations;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Telemetry;

namespace WhatsApp.Gateway.Application;

/// <summary>
/// A message's path, put together from the spans this gateway and every live silo keep in memory: first the traces
/// that name the message (the send that stored it), then every span of those traces, wherever it ran, with the tags
/// the caller may see (<see cref="PathTags"/>), and a group's deliveries to other members counted per silo
/// (<see cref="GroupDeliveries"/>). A silo that is down or slow to answer leaves its spans out rather than holding the
/// answer.
/// </summary>
public sealed class MessagePaths(ChatCluster cluster, ChatService chat, RecentSpans gatewaySpans, IOptions<ShardOptions> shards)
{
    private static readonly TimeSpan SiloAnswerBound = TimeSpan.FromSeconds(3);

    public async Task<ChatResult<MessagePath>> PathAsync(long caller, string conversationId, long sequence)
    {
        var readable = await chat.ReadableMessageAsync(caller, conversationId, sequence);
        if (!readable.IsSuccess)
        {
            return ChatResult.Fail<MessagePath>(readable.Error);
        }

        var silos = Enumerable.Range(0, shards.Value.Count).Select(shard => cluster.Client.GetGrain<ISiloSpansGrain>(shard)).ToList();
        var traces = gatewaySpans.TracesOfMessage(conversationId, sequence)
            .Concat(await FromEverySiloAsync(silos, silo => silo.TracesOfMessageAsync(conversationId, sequence)))
            .ToHashSet();
        if (traces.Count == 0)
        {
            return ChatResult.Fail<MessagePath>(ChatErrorCode.NoMessagePath,
                "This message's path is not kept: with tracing on (Tracing__Enabled; ./run turns it on), each process keeps its spans for a few minutes after a send.");
        }

        var conversation = ConversationId.Parse(conversationId);
        var spans = gatewaySpans.SpansOf(traces)
            .Concat(await FromEverySiloAsync(silos, silo => silo.SpansAsync([.. traces])))
            .DistinctBy(span => span.SpanId)
            .OrderBy(span => span.Start)
            .Select(span => span with { Tags = PathTags.Visible(span.Tags, caller, conversation) })
            .ToList();
        return ChatResult.Success(new MessagePath(conversationId, sequence, [.. traces], GroupDeliveries.CountedPerSilo(spans)));
    }

    private static async Task<IEnumerable<T>> FromEverySiloAsync<T>(IEnumerable<ISiloSpansGrain> silos, Func<ISiloSpansGrain, Task<IReadOnlyList<T>>> ask)
    {
        var answers = silos.Select(silo => ask(silo).WaitAsync(SiloAnswerBound)).ToList();
        try
        {
            await Task.WhenAll(answers);
        }
        catch (Exception exception) when (exception is TimeoutException or OrleansException or OperationCanceledException)
        {
            // The silos that answered still count.
        }

        return answers.Where(answer => answer.IsCompletedSuccessfully).SelectMany(answer => answer.Result);
    }
}

/// <summary>The spans of a message's path, in the order they started, and the traces they belong to.</summary>
public sealed record MessagePath(string ConversationId, long Sequence, IReadOnlyList<string> Traces, IReadOnlyList<TraceSpan> Spans);

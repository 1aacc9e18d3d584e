using System.Globalization;
using WhatsApp.Grains.Abstractions.Operations;

namespace WhatsApp.Gateway.Application;

/// <summary>
/// In a group's path, the calls to other members' user grains, and everything that followed each (the pushes to their
/// gateways), become one span per silo that counts them. A member sees how the message reached the group, silo by
/// silo, and not which members were online: a push under a member's delivery would tell it.
/// </summary>
internal static class GroupDeliveries
{
    public const string SpanName = "whatsapp.deliveries";
    public const string MembersTag = "whatsapp.deliveries.members";

    private const string UserGrainCallPrefix = "IUserGrain/";
    private const string ServerKind = "Server";

    /// <summary>The spans with other members' deliveries counted per silo; spans whose tags <see cref="PathTags"/> already made visible.</summary>
    public static IReadOnlyList<TraceSpan> CountedPerSilo(IReadOnlyList<TraceSpan> spans)
    {
        var othersCalls = spans.Where(IsCallToAnotherMember).Select(span => span.SpanId).ToHashSet(StringComparer.Ordinal);
        if (othersCalls.Count == 0)
        {
            return spans;
        }

        var byId = spans.ToDictionary(span => span.SpanId, StringComparer.Ordinal);
        var hidden = spans.ToLookup(span => Lineage(span, byId).Any(ancestor => othersCalls.Contains(ancestor.SpanId)));
        var counts = hidden[true]
            .Where(span => othersCalls.Contains(span.SpanId) && span.Kind == ServerKind)
            .GroupBy(span => (span.TraceId, span.Where))
            .Select(delivered => Count([.. delivered.OrderBy(span => span.Start)], byId));
        return [.. hidden[false].Concat(counts).OrderBy(span => span.Start)];
    }

    /// <summary>A call to a user grain whose name the reader may not see (<see cref="PathTags"/> shows it only as "user").</summary>
    private static bool IsCallToAnotherMember(TraceSpan span) =>
        span.Name.StartsWith(UserGrainCallPrefix, StringComparison.Ordinal)
        && span.Tags.GetValueOrDefault(PathTags.TargetGrain) == PathTags.AnotherUsersGrain;

    private static IEnumerable<TraceSpan> Lineage(TraceSpan span, Dictionary<string, TraceSpan> byId)
    {
        for (TraceSpan? current = span; current is not null; current = current.ParentSpanId is { } parent ? byId.GetValueOrDefault(parent) : null)
        {
            yield return current;
        }
    }

    /// <summary>One span for the deliveries one silo took, under the span that made the calls, from the first to the last.</summary>
    private static TraceSpan Count(List<TraceSpan> delivered, Dictionary<string, TraceSpan> byId)
    {
        var first = delivered[0];
        var caller = first.ParentSpanId is { } call && byId.TryGetValue(call, out var clientSpan) ? clientSpan.ParentSpanId : null;
        var end = delivered.Max(span => span.Start.AddMilliseconds(span.DurationMs));
        return new TraceSpan(
            first.TraceId,
            $"{first.SpanId}-deliveries",
            caller,
            SpanName,
            "Internal",
            first.Where,
            first.Start,
            (end - first.Start).TotalMilliseconds,
            new Dictionary<string, string> { [MembersTag] = delivered.Count.ToString(CultureInfo.InvariantCulture) });
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Cluster;
using WhatsApp.Gateway.Realtime;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Gateway.Metrics;

/// <summary>
/// The gateway's own meter, <c>WhatsApp.Gateway</c>: who is connected to this gateway and how long sends take from the
/// moment the gateway has them until the cluster has acknowledged them (durably stored) or refused them.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "WhatsApp.Gateway";

    /// <summary>Values of the send histogram's "transport" tag.</summary>
    public const string Rest = "rest", Hub = "hub";

    /// <summary>Values of its "outcome" tag: stored, refused by the rules (bad input, not a participant...), or no answer.</summary>
    public const string Sent = "sent", Refused = "refused", Failed = "failed";

    // Sends are acknowledged after a durable commit: milliseconds when idle, tens of milliseconds under load. The
    // OpenTelemetry default buckets (0 to 10,000) assume milliseconds and would put every send in the first bucket.
    private static readonly IReadOnlyList<double> SendBuckets =
        [0.001, 0.002, 0.004, 0.006, 0.008, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram<double> _sendDuration;
    private readonly Counter<long> _shardHealthReads;
    private readonly Counter<long> _passwordHashIterations;

    public GatewayMetrics(IMeterFactory meters, UserEventBridge events, ShardClients shardClients, IOptions<ShardOptions> shards)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(
            "whatsapp.gateway.shard_client.connected",
            () => Enumerable.Range(0, shards.Value.Count).Select(shard =>
                new Measurement<int>(shardClients.ConnectedTo(shard) is null ? 0 : 1, new KeyValuePair<string, object?>("shard", shard))),
            unit: "{client}",
            description: "Whether the gateway's own client of each shard is connected to the shard's silo (1), so its calls go straight there, or not (0: they go through the main client).");
        meter.CreateObservableGauge(
            "whatsapp.gateway.connected_users",
            () => events.ConnectedUsers,
            unit: "{user}",
            description: "Users with at least one hub connection on this gateway.");
        meter.CreateObservableUpDownCounter(
            "whatsapp.gateway.hub_connections",
            () => events.HubConnections,
            unit: "{connection}",
            description: "Open hub connections on this gateway.");
        meter.CreateObservableCounter(
            "whatsapp.gateway.listener_renewal.rounds",
            () => events.LastRenewal?.Round ?? 0,
            unit: "{round}",
            description: "Renewals of every user's event subscription finished since the gateway started.");
        meter.CreateObservableGauge(
            "whatsapp.gateway.listener_renewal.duration",
            () => events.LastRenewal is { } renewal ? [new Measurement<double>(renewal.Duration.TotalSeconds)] : Array.Empty<Measurement<double>>(),
            unit: "s",
            description: "How long the last renewal of every user's event subscription took; it must stay well within the silos' observer expiry.");
        meter.CreateObservableGauge(
            "whatsapp.gateway.listener_renewal.users",
            () => events.LastRenewal is { } renewal
                ? [new Measurement<int>(renewal.Renewed, new KeyValuePair<string, object?>("outcome", "renewed")), new Measurement<int>(renewal.Failed, new KeyValuePair<string, object?>("outcome", "failed"))]
                : Array.Empty<Measurement<int>>(),
            unit: "{user}",
            description: "Users whose event subscription the last renewal renewed, or failed to (retried at the next).");
        _sendDuration = meter.CreateHistogram(
            "whatsapp.gateway.send.duration",
            unit: "s",
            description: "Time from a send reaching the gateway (REST or hub) to the cluster's answer.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SendBuckets });
        _shardHealthReads = meter.CreateCounter<long>(
            "whatsapp.gateway.shard_health.reads",
            unit: "{read}",
            description: "Reads of the shards' health from the cluster (the shard panels of every open tab share them).");
        _passwordHashIterations = meter.CreateCounter<long>(
            "whatsapp.gateway.password_hash.iterations",
            unit: "{iteration}",
            description: "PBKDF2 iterations of the password hashes this gateway derived or checked: the CPU sign-ins cost it. " +
                "A sign-in with an unknown id costs what one with a wrong password does.");
    }

    public void ShardHealthRead() => _shardHealthReads.Add(1);

    /// <summary>One password hash derived or checked, at a cost of <paramref name="iterations"/> PBKDF2 iterations.</summary>
    public void PasswordHashed(int iterations) => _passwordHashIterations.Add(iterations);

    /// <summary>Records one send that began at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void RecordSend(long startTimestamp, string transport, string outcome)
    {
        if (_sendDuration.Enabled)
        {
            _sendDuration.Record(
                Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
                new KeyValuePair<string, object?>("transport", transport),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}

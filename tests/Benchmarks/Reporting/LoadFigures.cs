using WhatsApp.Benchmarks.Load;
using WhatsApp.Benchmarks.Measurement;

namespace WhatsApp.Benchmarks.Reporting;

/// <summary>The figures of a load window, under a key prefix such as "rest-32".</summary>
public static class LoadFigures
{
    public static void AddLoad(this FigureList figures, string prefix, string label, LoadResult result)
    {
        figures.Add($"{prefix}.acked", $"{label}: acked sends", Units.PerSecond, result.AckedPerSecond);
        figures.Add($"{prefix}.delivered", $"{label}: delivered sends", Units.PerSecond, result.DeliveredPerSecond);
        figures.AddLatencies($"{prefix}.ack", $"{label}: send→ack", result.Ack);
        figures.AddLatencies($"{prefix}.delivery", $"{label}: send→delivery", result.Delivery);
        figures.Add($"{prefix}.errors", $"{label}: errors", Units.Count, result.Errors);
        figures.Add($"{prefix}.undelivered", $"{label}: acked, not delivered within 5 s", Units.Count, result.Undelivered);
        figures.AddCostPerSend(prefix, label, result.PerSend);
    }

    /// <summary>What an acknowledged send of the window cost: Orleans messages, and CPU time over the deployment and of the load generator.</summary>
    public static void AddCostPerSend(this FigureList figures, string prefix, string label, ResourceUse? perSend)
    {
        var nothingAcked = perSend is null ? "no send was acknowledged in the window" : null;
        var messagesUnread = perSend is { OrleansMessages: null } ? "a silo's or gateway's /metrics did not answer" : nothingAcked;
        figures.Add($"{prefix}.orleans-messages-per-send", $"{label}: Orleans messages sent per acked send", Units.MessagesPerSend, perSend?.OrleansMessages,
            messagesUnread ?? "sent by every silo and gateway, over connections (orleans-messaging-sent-messages-size) and within a silo (orleans-messaging-sent-local)");
        figures.Add($"{prefix}.orleans-network-messages-per-send", $"{label}: of them over connections", Units.MessagesPerSend, perSend?.OrleansNetworkMessages, messagesUnread);
        figures.Add($"{prefix}.cpu-ms-per-send", $"{label}: CPU per acked send, whole deployment", Units.CpuMillisecondsPerSend, perSend?.DeploymentCpuMilliseconds,
            nothingAcked ?? "utime + stime (/proc) of the silos, gateways, PostgreSQL (postmaster and every backend) and Redis");
        figures.Add($"{prefix}.cpu-ms-per-send.silos", $"{label}: of it the silos", Units.CpuMillisecondsPerSend, perSend?.SiloCpuMilliseconds, nothingAcked);
        figures.Add($"{prefix}.cpu-ms-per-send.gateway", $"{label}: of it the gateway", Units.CpuMillisecondsPerSend, perSend?.GatewayCpuMilliseconds, nothingAcked);
        figures.Add($"{prefix}.cpu-ms-per-send.postgres", $"{label}: of it PostgreSQL", Units.CpuMillisecondsPerSend, perSend?.PostgresCpuMilliseconds, nothingAcked);
        figures.Add($"{prefix}.cpu-ms-per-send.redis", $"{label}: of it Redis", Units.CpuMillisecondsPerSend, perSend?.RedisCpuMilliseconds, nothingAcked);
        figures.Add($"{prefix}.loadgen-cpu-ms-per-send", $"{label}: CPU per acked send, load generator", Units.CpuMillisecondsPerSend, perSend?.LoadGeneratorCpuMilliseconds,
            nothingAcked ?? "the benchmark process itself, which shares the cores with the deployment");
    }

    public static void AddLatencies(this FigureList figures, string prefix, string label, Percentiles? latencies)
    {
        const string NothingMeasured = "no send completed in the window";
        figures.Add($"{prefix}-p50", $"{label} p50", Units.Milliseconds, latencies?.P50, latencies is null ? NothingMeasured : null);
        figures.Add($"{prefix}-p95", $"{label} p95", Units.Milliseconds, latencies?.P95, latencies is null ? NothingMeasured : null);
        figures.Add($"{prefix}-p99", $"{label} p99", Units.Milliseconds, latencies?.P99, latencies is null ? NothingMeasured : null);
    }
}

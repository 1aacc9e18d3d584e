using System.Diagnostics;
using OpenTelemetry.Trace;

namespace WhatsApp.Telemetry;

/// <summary>
/// Records the traces of message sends, whole, and nothing else: a span is recorded when its parent was, and a root
/// only when it is a send (<see cref="ChatTracing.SendSpan"/>). Health probes, timers and the panel's own reads stay
/// out of the store and cost no more than an unsampled activity.
/// </summary>
public sealed class MessageSendSampler : Sampler
{
    private static readonly SamplingResult Record = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Skip = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default)
        {
            return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Record : Skip;
        }

        return samplingParameters.Name == ChatTracing.SendSpan ? Record : Skip;
    }
}

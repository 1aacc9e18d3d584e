using System.Diagnostics;
using OpenTelemetry.Trace;

namespace WhatsApp.Telemetry;

/// <summary>
/// Records the traces of message sends, whole, and nothing else: a span is recorded when its parent was, and a root
/// only when it is a send (<see cref="ChatTracing.SendSpan"/>). Health probes, timers and the panel's own reads stay
/// out of the store and cost no more than an unsampled activity. A client's own trace context on an HTTP request
/// (its traceparent header) decides nothing: were it followed, anyone could have any request recorded, and fill the
/// store that keeps the messages' paths.
/// </summary>
public sealed class MessageSendSampler : Sampler
{
    /// <summary>The activity ASP.NET Core starts for each request it serves, from the request's traceparent if any.</summary>
    public const string IncomingHttpRequest = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly SamplingResult Record = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Skip = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (samplingParameters.Name == IncomingHttpRequest)
        {
            return Skip;
        }

        if (parent.TraceId != default)
        {
            return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Record : Skip;
        }

        return samplingParameters.Name == ChatTracing.SendSpan ? Record : Skip;
    }
}

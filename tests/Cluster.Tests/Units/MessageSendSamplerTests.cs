using System.Diagnostics;
using OpenTelemetry.Trace;
using WhatsApp.Telemetry;

namespace WhatsApp.Cluster.Tests.Units;

/// <summary>What is traced: whole message sends, and never what a client's own trace context asks for.</summary>
public sealed class MessageSendSamplerTests
{
    private static readonly ActivityContext RecordedRemoteParent = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

    [Fact]
    public void HttpRequest_WithAClientsRecordedTraceparent_IsNotRecorded()
    {
        var decision = Decide(RecordedRemoteParent, MessageSendSampler.IncomingHttpRequest, ActivityKind.Server);

        Assert.Equal(SamplingDecision.Drop, decision);
    }

    [Fact]
    public void GrainCall_InARecordedSendsTrace_IsRecorded_ASendIsARootOfItsOwn_OtherRootsAreNot()
    {
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(RecordedRemoteParent, "IConversationGrain/SendAsync", ActivityKind.Server));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(default, ChatTracing.SendSpan, ActivityKind.Server));
        Assert.Equal(SamplingDecision.Drop, Decide(default, "IUserGrain/GetChatListAsync", ActivityKind.Client));
    }

    private static SamplingDecision Decide(ActivityContext parent, string name, ActivityKind kind) =>
        new MessageSendSampler().ShouldSample(new SamplingParameters(parent, parent.TraceId == default ? ActivityTraceId.CreateRandom() : parent.TraceId, name, kind)).Decision;
}

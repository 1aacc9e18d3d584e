using System.Globalization;
using System.Net;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// A message's path, as message info shows it: put together from the spans the gateway and the silos keep in memory,
/// one trace carried across processes by W3C trace context on every grain call.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class MessagePathApiTests(ChatSystemFixture fixture)
{
    [Fact]
    public async Task Path_OfASentMessage_ShowsTheGatewayTheConversationsSiloTheCommitAndThePushToTheRecipient()
    {
        using var anonymous = fixture.Api();
        // Ada's number is lower and on shard 1: the conversation lives there; Bob's user grain lives on shard 2.
        var (ada, _) = await anonymous.RegisterAsync(TestIds.User(shard: 1));
        var (bob, bobAuth) = await anonymous.RegisterAsync(TestIds.User(shard: 2));
        await using var bobsTab = await HubSession.ConnectAsync(fixture.System.GatewayUrl, bobAuth.Token);
        var sent = await ada.SendAsync(bobAuth.UserId, "Follow me through the cluster", "path-1");
        await bobsTab.NextAsync<Message>(message => message.Id == sent.Id);

        // The push to Bob's tab ends after his tab got it: its span is kept a moment later.
        var path = await Eventually.ReturnsAsync(
            () => bob.GetJsonAsync<MessagePathView>($"/api/conversations/{sent.ConversationId}/messages/{sent.Sequence}/path"),
            path => path.Spans.Any(span => span is { Name: "IGatewayObserver/OnPushesAsync", Kind: "Server" }),
            TimeSpan.FromSeconds(10),
            "the push to Bob's tab in the message's path");

        var trace = Assert.Single(path.Traces);
        Assert.All(path.Spans, span => Assert.Equal(trace, span.TraceId));
        var send = Assert.Single(path.Spans, span => span.Name == "whatsapp.send");
        Assert.StartsWith("gateway", send.Where, StringComparison.Ordinal);
        Assert.Equal("rest", send.Tags["whatsapp.via"]);
        Assert.Equal(sent.Sequence.ToString(CultureInfo.InvariantCulture), send.Tags["whatsapp.sequence"]);
        var stored = Assert.Single(path.Spans, span => span is { Name: "IConversationGrain/SendAsync", Kind: "Server" });
        Assert.StartsWith("shard 1 · ", stored.Where, StringComparison.Ordinal);
        var commit = Assert.Single(path.Spans, span => span.Name == "whatsapp.commit");
        Assert.Equal(stored.Where, commit.Where);
        Assert.True(int.Parse(commit.Tags["whatsapp.commit.messages"], CultureInfo.InvariantCulture) >= 1);
        Assert.Contains(path.Spans, span => span.Name == "postgresql" && span.ParentSpanId == commit.SpanId);
        Assert.Contains(path.Spans, span => span is { Name: "IUserGrain/OnMessagesAsync", Kind: "Server" } && span.Where.StartsWith("shard 2 · ", StringComparison.Ordinal));
        Assert.Single(path.Spans, span => span.Name == "whatsapp.push" && span.Where.StartsWith("shard 2 · ", StringComparison.Ordinal));
        Assert.Contains(path.Spans, span => span is { Name: "IGatewayObserver/OnPushesAsync", Kind: "Server" } && span.Where.StartsWith("gateway", StringComparison.Ordinal));
        Assert.DoesNotContain(path.Spans.SelectMany(span => span.Tags.Values), value => value.Contains("Follow me", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Path_InAGroup_TellsThePathNotTheCluster_OtherMembersDeliveriesCountedPerSilo_NoAddressNoException()
    {
        using var anonymous = fixture.Api();
        var (ada, adaAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, carolAuth) = await anonymous.RegisterAsync();
        using var created = await ada.PostJsonAsync("/api/groups", new { name = "Path club", memberIds = new[] { bobAuth.UserId, carolAuth.UserId } });
        var group = await ChatApi.ReadAsync<GroupView>(created, HttpStatusCode.Created);
        using var posted = await ada.PostJsonAsync($"/api/groups/{group.GroupId}/messages", new { content = "Who is here?", clientMessageId = "path-g1" });
        var sent = await ChatApi.ReadAsync<Message>(posted, HttpStatusCode.Created);

        // Carol has a tab open, so her delivery goes on to a push: the path must not show it, nor that it happened.
        await using var carolsTab = await HubSession.ConnectAsync(fixture.System.GatewayUrl, carolAuth.Token);
        using var posted2 = await ada.PostJsonAsync($"/api/groups/{group.GroupId}/messages", new { content = "Who is online?", clientMessageId = "path-g2" });
        var second = await ChatApi.ReadAsync<Message>(posted2, HttpStatusCode.Created);
        await carolsTab.NextAsync<Message>(message => message.Sequence == second.Sequence);
        // Orleans prints integer keys in upper-case hex.
        var bobsOwnDelivery = $"user/{bobAuth.UserId:X}";
        var path = await Eventually.ReturnsAsync(
            () => bob.GetJsonAsync<MessagePathView>($"/api/conversations/{second.ConversationId}/messages/{second.Sequence}/path"),
            path => OthersCounted(path) >= 2 && path.Spans.Any(span => span is { Name: "IUserGrain/OnMessagesAsync", Kind: "Server" } && span.Tags.GetValueOrDefault("orleans.rpc.target_id") == bobsOwnDelivery),
            TimeSpan.FromSeconds(10),
            "the deliveries to every member in the path");

        var tags = path.Spans.SelectMany(span => span.Tags).ToList();
        Assert.All(tags, tag => Assert.True(tag.Key.StartsWith("whatsapp.", StringComparison.Ordinal) || tag.Key.StartsWith("rpc.", StringComparison.Ordinal)
            || tag.Key.StartsWith("db.", StringComparison.Ordinal) || tag.Key == "orleans.rpc.target_id", $"the path shows the tag {tag.Key}"));
        Assert.DoesNotContain(tags, tag => tag.Value.Contains($"user/{adaAuth.UserId:X}", StringComparison.Ordinal) || tag.Value.Contains($"user/{carolAuth.UserId:X}", StringComparison.Ordinal));
        Assert.Equal(2, OthersCounted(path));
        Assert.DoesNotContain(path.Spans, span => span.Name.StartsWith("IUserGrain/", StringComparison.Ordinal) && span.Tags.GetValueOrDefault("orleans.rpc.target_id") == "user");
        // Bob has no tab and the others' deliveries are counts: no push to anyone is in Bob's view of the path.
        Assert.DoesNotContain(path.Spans, span => span.Name == "whatsapp.push" || span.Name.StartsWith("IGatewayObserver/", StringComparison.Ordinal));
        ada.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task Path_ForSomeoneOutsideTheChatOrOfNoSuchMessage_IsAProblemAndShowsNothing()
    {
        using var anonymous = fixture.Api();
        var (ada, _) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var (carol, _) = await anonymous.RegisterAsync();
        var sent = await ada.SendAsync(bobAuth.UserId, "Only for Bob", "path-2");
        var at = $"/api/conversations/{sent.ConversationId}/messages";

        using var outsider = await carol.GetAsync($"{at}/{sent.Sequence}/path");
        using var missing = await bob.GetAsync($"{at}/{sent.Sequence + 50}/path");
        using var zero = await bob.GetAsync($"{at}/0/path");

        Assert.Equal("NotParticipant", (await ChatApi.ReadAsync<Problem>(outsider, HttpStatusCode.Forbidden)).Code);
        Assert.Equal("UnknownMessage", (await ChatApi.ReadAsync<Problem>(missing, HttpStatusCode.NotFound)).Code);
        Assert.Equal("InvalidSequence", (await ChatApi.ReadAsync<Problem>(zero, HttpStatusCode.BadRequest)).Code);
        ada.Dispose();
        bob.Dispose();
        carol.Dispose();
    }

    [Fact]
    public async Task Traces_WithAnOtlpEndpoint_GoToThatCollectorToo()
    {
        // A stand-in collector on loopback that takes OTLP over HTTP (protobuf) and keeps what it is sent.
        var port = FreePort.Next();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var exports = new List<byte[]>();
        using var stop = new CancellationTokenSource();
        var receiving = CollectAsync(collector, exports, stop.Token);

        // A gateway of its own sends to it; stopped as Ctrl-C would, it flushes what it holds before it exits.
        var url = await fixture.System.StartGatewayAsync(new Dictionary<string, string>
        {
            ["Tracing__OtlpEndpoint"] = $"http://127.0.0.1:{port}/v1/traces",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        var index = fixture.System.GatewayUrls.ToList().IndexOf(url);
        using var anonymous = new ChatApi(url);
        var (ada, _) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        await ada.SendAsync(bobAuth.UserId, "Exported, not in the text", "otlp-1");
        ada.Dispose();
        await fixture.System.StopGatewayAsync(index, graceful: true);
        await fixture.System.StartGatewayAgainAsync(index);
        await stop.CancelAsync();
        await receiving;

        byte[] everything;
        lock (exports)
        {
            everything = [.. exports.SelectMany(export => export)];
        }

        var text = System.Text.Encoding.UTF8.GetString(everything);
        Assert.Contains("whatsapp.send", text, StringComparison.Ordinal);
        Assert.Contains("IConversationGrain/SendAsync", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exported, not in the text", text, StringComparison.Ordinal);
    }

    private static async Task CollectAsync(HttpListener collector, List<byte[]> exports, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext request;
            try
            {
                request = await collector.GetContextAsync().WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using var body = new MemoryStream();
            await request.Request.InputStream.CopyToAsync(body, stop);
            lock (exports)
            {
                exports.Add(body.ToArray());
            }

            // An empty ExportTraceServiceResponse: everything accepted.
            request.Response.StatusCode = 200;
            request.Response.ContentType = "application/x-protobuf";
            request.Response.Close();
        }
    }

    /// <summary>How many deliveries to other members the path counts, over every silo.</summary>
    private static int OthersCounted(MessagePathView path) =>
        path.Spans.Where(span => span.Name == "whatsapp.deliveries").Sum(span => int.Parse(span.Tags["whatsapp.deliveries.members"], CultureInfo.InvariantCulture));

    private sealed record MessagePathView(string ConversationId, long Sequence, List<string> Traces, List<SpanView> Spans);

    private sealed record SpanView(
        string TraceId, string SpanId, string? ParentSpanId, string Name, string Kind, string Where, DateTimeOffset Start, double DurationMs,
        Dictionary<string, string> Tags);
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// A gateway restarted under connected users: each test has a system of its own, since the restart ends every hub
/// connection of the gateway.
/// </summary>
public sealed partial class GatewayRestartTests(ITestOutputHelper output)
{
    private const int Recipients = 4;
    private const int Rounds = 10;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 240_000)]
    public async Task Gateway_CrashesAndRestarts_EachSiloTriesTheDeadGatewayOnceAndEveryUserDropsIt()
    {
        await using var system = await ChatSystem.StartAsync(new Dictionary<string, string> { ["Gateway__SendBurst"] = "1000" });
        try
        {
            using var anonymous = new ChatApi(system.GatewayUrl);
            var (alice, _) = await RegisterAsync(anonymous);
            var recipients = new List<AuthResponse>();
            for (var i = 0; i < Recipients; i++)
            {
                recipients.Add((await RegisterAsync(anonymous)).Auth);
            }

            var tabs = await ConnectAsync(system, recipients);
            var before = await SendRoundsAsync(alice, recipients, tabs, "before");

            // Killed with the tabs connected: the crashed gateway cannot unsubscribe, so every recipient's grain still
            // holds its listener, in memory and in its saved state. The cluster restarts too, as `./run` does, so the
            // silos forget the dead gateway's connection at once and the grains come back with the saved listeners.
            await system.Gateways[0].KillAsync();
            await DisposeAsync(tabs);
            await system.RestartClusterAsync();
            await system.RestartGatewayAsync(0);
            tabs = await ConnectAsync(system, recipients);
            var after = await SendRoundsAsync(alice, recipients, tabs, "after");
            await DisposeAsync(tabs);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Recipients * Rounds} sends each window: {before.TotalSeconds:F2} s before the restart, {after.TotalSeconds:F2} s after; before ÷ after (throughput after ÷ before) = {before / after:F2}"));

            // Each recipient's grain came back with the dead gateway in its saved state. Each silo's outbox to it failed
            // once (within the push timeout) and refused it from then on, and each grain dropped it at its next push, once.
            // (The silos write their logs asynchronously: wait for the lines rather than read them once.)
            var homes = recipients.Select(recipient => system.SiloOf((int)(recipient.UserId % ChatSystem.ShardCount))).Distinct().ToList();
            await Eventually.ReturnsAsync(
                () => Task.FromResult(homes.All(silo => FailedGatewayCalls().IsMatch(silo.Output))),
                done => done,
                Bound,
                "every recipient's silo giving up on the dead gateway");
            tabs = await ConnectAsync(system, recipients);
            await SendRoundsAsync(alice, recipients, tabs, "then");
            await DisposeAsync(tabs);
            var dropped = await Eventually.ReturnsAsync(
                () => Task.FromResult(DroppedGateways(system)),
                lines => lines.Count >= Recipients,
                Bound,
                "every user dropping the dead gateway");
            output.WriteLine(string.Join('\n', dropped));
            Assert.Equal(Recipients, dropped.Count);
            Assert.Equal(recipients.Select(recipient => recipient.UserId).Order(), dropped.Select(line => line.User).Order());
            Assert.Single(dropped.Select(line => line.Gateway).Distinct());
            foreach (var silo in system.Silos)
            {
                Assert.True(FailedGatewayCalls().Count(silo.Output) <= 1, $"{silo.Name} called the dead gateway more than once");
            }
            alice.Dispose();
        }
        catch
        {
            output.WriteLine(system.Logs());
            throw;
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Gateway_StopsCleanly_UnsubscribesSoItsUsersGoOfflineAtOnce()
    {
        await using var system = await ChatSystem.StartAsync();
        try
        {
            using var anonymous = new ChatApi(system.GatewayUrl);
            var (alice, aliceAuth) = await RegisterAsync(anonymous);
            var (bobApi, bobAuth) = await RegisterAsync(anonymous);
            await alice.SendAsync(bobAuth.UserId, "so that they are contacts", "contacts-1");
            await bobApi.SendAsync(aliceAuth.UserId, "both ways", "contacts-2");
            bobApi.Dispose();
            var bobTab = await HubSession.ConnectAsync(system.GatewayUrl, bobAuth.Token);
            Assert.True((await alice.GetJsonAsync<UserView>($"/api/users/{bobAuth.UserId}")).Online == true);

            // Stopped as Ctrl-C stops it. A listener left behind would keep Bob online until it expired (two minutes
            // after the last renewal), and his last seen would be that late.
            await system.StopGatewayAsync(0, graceful: true);
            var exited = DateTimeOffset.UtcNow;
            output.WriteLine(system.Gateways[0].Output);
            await bobTab.DisposeAsync();
            await system.StartGatewayAgainAsync(0);
            var bob = await Eventually.ReturnsAsync(
                () => alice.GetJsonAsync<UserView>($"/api/users/{bobAuth.UserId}"),
                profile => profile.Online == false,
                Bound,
                "Bob offline once the gateway holding his only connection stopped");
            output.WriteLine($"Bob last seen {bob.LastSeen:O}; the gateway had exited by {exited:O}");
            Assert.NotNull(bob.LastSeen);
            Assert.True(bob.LastSeen <= exited, "Bob went offline only after the gateway had exited: it did not unsubscribe while stopping");
            alice.Dispose();
        }
        catch
        {
            output.WriteLine(system.Logs());
            throw;
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task Upload_CutOffByAGatewayCrash_ResumesThroughTheRestartedGatewayFromTheLastStoredChunk()
    {
        const int Chunk = 256 * 1024;
        await using var system = await ChatSystem.StartAsync();
        using var stall = new CancellationTokenSource();
        try
        {
            using var anonymous = new ChatApi(system.GatewayUrl);
            var (ada, adaAuth) = await RegisterAsync(anonymous);
            var (bob, bobAuth) = await RegisterAsync(anonymous);
            var conversationId = TestIds.Conversation(adaAuth.UserId, bobAuth.UserId);
            var document = MediaFiles.Pdf(Chunk * 4 + 321);
            var upload = await ada.StartUploadAsync(conversationId, "document", "application/pdf", document.Length, "minutes.pdf");
            var statusPath = $"/api/conversations/{conversationId}/uploads/{upload.UploadId}";

            // The body stops mid-way through the third chunk and hangs there, as a phone's upload does when it loses
            // signal; the gateway holding it then crashes.
            var cutOff = ada.SendAsync(new HttpRequestMessage(HttpMethod.Patch, statusPath)
            {
                Headers = { { "Upload-Offset", "0" } },
                Content = new StallingContent(document, sendFirst: Chunk * 2 + Chunk / 2, stall.Token),
            });
            await Eventually.ReturnsAsync(() => ada.GetJsonAsync<UploadView>(statusPath), status => status.Received == Chunk * 2, Bound, "two chunks stored");
            await system.StopGatewayAsync(0);
            await stall.CancelAsync();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => cutOff);
            await system.StartGatewayAgainAsync(0);

            var resumedFrom = (await ada.GetJsonAsync<UploadView>(statusPath)).Received;
            Assert.Equal(Chunk * 2, resumedFrom);
            using (var rest = await ada.PatchUploadAsync(upload, resumedFrom, document.AsMemory((int)resumedFrom)))
            {
                Assert.True((await ChatApi.ReadAsync<UploadView>(rest, HttpStatusCode.OK)).Complete);
            }

            using var sent = await ada.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, clientMessageId = "doc-1", media = new { uploadId = upload.UploadId } });
            var message = await ChatApi.ReadAsync<Message>(sent, HttpStatusCode.Created);
            using var download = await bob.GetAsync($"/api/conversations/{conversationId}/messages/{message.Sequence}/media");
            Assert.Equal(document, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal(MediaFiles.Sha256Of(document), message.Media!.Sha256);

            // The restarted gateway serves newcomers whole: a fresh user's first upload and send.
            var (carol, carolAuth) = await RegisterAsync(anonymous);
            var carolsConversation = TestIds.Conversation(adaAuth.UserId, carolAuth.UserId);
            var photo = await carol.UploadAsync(carolsConversation, "photo", "image/png", MediaFiles.Png(4000));
            using var photoSent = await carol.PostJsonAsync("/api/messages", new { toUserId = adaAuth.UserId, media = new { uploadId = photo.UploadId, width = 4, height = 4 } });
            await ChatApi.ReadAsync<Message>(photoSent, HttpStatusCode.Created);
            Assert.All(system.Silos.Concat(system.Gateways), host => Assert.False(host.HasExited, $"{host.Name} exited"));
            foreach (var api in new[] { ada, bob, carol })
            {
                api.Dispose();
            }
        }
        catch
        {
            output.WriteLine(system.Logs());
            throw;
        }
    }

    /// <summary>A body that sends its first bytes and then hangs until cancelled, with the whole file's length declared.</summary>
    private sealed class StallingContent(byte[] bytes, int sendFirst, CancellationToken stall) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, sendFirst));
            await stream.FlushAsync();
            await Task.Delay(Timeout.Infinite, stall).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }

    /// <summary>
    /// A fresh user. On this loaded machine the password hash can outlast the gateway's call timeout (a 503); a person
    /// would try again, so the test does, with another fresh id (the first may have been taken meanwhile).
    /// </summary>
    private static Task<(ChatApi Api, AuthResponse Auth)> RegisterAsync(ChatApi anonymous) =>
        Eventually.SucceedsAsync(() => anonymous.RegisterAsync(), TimeSpan.FromSeconds(60), "a registration");

    /// <summary>The gateways user grains dropped after a push to them failed, one line each (the user grain's event 4002).</summary>
    private static List<(long User, string Gateway)> DroppedGateways(ChatSystem system) =>
        [.. system.Silos.SelectMany(silo => DroppedGateway().Matches(silo.Output))
            .Select(match => (long.Parse(match.Groups["user"].Value, CultureInfo.InvariantCulture), match.Groups["gateway"].Value))];

    [GeneratedRegex(@"User (?<user>\d+) dropped gateway (?<gateway>.+?): a push to it failed")]
    private static partial Regex DroppedGateway();

    /// <summary>A silo's outbox giving up on a gateway (event 4005).</summary>
    [GeneratedRegex("Gateway .+? did not take a push")]
    private static partial Regex FailedGatewayCalls();

    private static async Task<List<HubSession>> ConnectAsync(ChatSystem system, IEnumerable<AuthResponse> users)
    {
        var tabs = new List<HubSession>();
        foreach (var user in users)
        {
            tabs.Add(await HubSession.ConnectAsync(system.GatewayUrl, user.Token));
        }

        return tabs;
    }

    private static async Task DisposeAsync(IEnumerable<HubSession> tabs)
    {
        foreach (var tab in tabs)
        {
            await tab.DisposeAsync();
        }
    }

    /// <summary>Sends rounds of one message to each recipient, one at a time; returns how long the sends took, after
    /// checking every recipient's tab received every message live.</summary>
    private static async Task<TimeSpan> SendRoundsAsync(ChatApi sender, List<AuthResponse> recipients, List<HubSession> tabs, string window)
    {
        var sent = new List<Message>();
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var recipient in recipients)
            {
                // With a clientMessageId, as the web client sends: the gateway retries it through a slow moment, and
                // answers 200 with the stored message when an attempt it gave up on had stored it after all.
                using var response = await sender.PostJsonAsync("/api/messages", new { toUserId = recipient.UserId, content = $"{window} {round}", clientMessageId = Guid.NewGuid().ToString("N") });
                sent.Add(await ChatApi.ReadAsync<Message>(response, response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Created));
            }
        }

        var elapsed = clock.Elapsed;
        for (var i = 0; i < recipients.Count; i++)
        {
            var last = sent.Last(message => message.ToUserId == recipients[i].UserId);
            await tabs[i].NextAsync<Message>(message => message.Id == last.Id);
        }

        return elapsed;
    }
}

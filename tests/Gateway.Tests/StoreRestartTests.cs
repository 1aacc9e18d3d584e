using System.Net;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// A store restarted while every pool holds connections to it: once it accepts connections again, nobody may see an
/// error for a connection that died with the old server. Each test has a system of its own.
/// </summary>
public sealed class StoreRestartTests(ITestOutputHelper output)
{
    private const int Fresh = 200;
    private const int InFlight = 16;

    // A database per shard, so every silo holds pools to three servers that all restart. One shared database is the
    // same pools' clearing, proven in-process by Cluster.Tests' RestartedDatabaseTests.
    [Fact(Timeout = 600_000)]
    public async Task Postgres_RestartedWhilePoolsHoldConnections_FreshRegistrationsAndFirstMessagesSucceedOnTheFirstTry()
    {
        await using var system = await ChatSystem.StartAsync(databasePerShard: true);
        try
        {
            using var anonymous = new ChatApi(system.GatewayUrl);

            // Busy enough that every silo's pools (grain state and message rows, in every shard database) hold several connections.
            var before = await ForEachAsync(Enumerable.Range(0, 60).Select(i => TestIds.User(shard: i % ChatSystem.ShardCount)), id => anonymous.RegisterAsync(id));
            await ForEachAsync(Enumerable.Range(0, before.Count), i => SendFirstAsync(before[i], before[(i + 1) % before.Count].Auth.UserId));

            foreach (var database in system.Databases)
            {
                await database.StopServerAsync();
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            foreach (var database in system.Databases)
            {
                await database.StartServerAsync(); // waits until the server accepts connections
            }

            var registrations = await ForEachAsync(Enumerable.Range(0, Fresh).Select(i => TestIds.User(shard: i % ChatSystem.ShardCount)), id => TryRegisterAsync(system.GatewayUrl, anonymous, id));
            var refusedRegistrations = registrations.Where(outcome => outcome.Problem is not null).Select(outcome => outcome.Problem).ToList();
            Assert.True(refusedRegistrations.Count == 0, $"{refusedRegistrations.Count} of {Fresh} registrations failed: {string.Join("; ", refusedRegistrations.Distinct())}");

            var users = registrations.Select(outcome => outcome.User!.Value).ToList();
            var sends = await ForEachAsync(Enumerable.Range(0, Fresh), i => TrySendFirstAsync(users[i], users[(i + 1) % Fresh].Auth.UserId));
            var refusedSends = sends.Where(problem => problem is not null).ToList();
            Assert.True(refusedSends.Count == 0, $"{refusedSends.Count} of {Fresh} first messages failed: {string.Join("; ", refusedSends.Distinct())}");

            Assert.All(system.Silos.Concat(system.Gateways), host => Assert.False(host.HasExited, $"{host.Name} exited"));
            foreach (var (api, _) in before.Concat(users))
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

    /// <summary>
    /// Upload chunks commit without waiting for the disk, an upload's completion with it: a crash of a PostgreSQL as
    /// shipped keeps every completed medium (and its message), and an unfinished upload resumes from what really
    /// survived, which its count says.
    /// </summary>
    [Fact(Timeout = 300_000)]
    public async Task Postgres_CrashingMidUpload_KeepsCompletedMedia_AndTheUnfinishedOneResumesFromWhatSurvived()
    {
        const int Chunk = 256 * 1024;
        await using var system = await ChatSystem.StartAsync(durability: PostgresDurability.AsShipped);
        try
        {
            using var anonymous = new ChatApi(system.GatewayUrl);
            var (ada, adaAuth) = await anonymous.RegisterAsync();
            var (bob, bobAuth) = await anonymous.RegisterAsync();
            var conversationId = TestIds.Conversation(adaAuth.UserId, bobAuth.UserId);
            var photo = MediaFiles.Jpeg(Chunk * 3 + 77);
            var completed = await ada.UploadAsync(conversationId, "photo", "image/jpeg", photo);
            using (var sent = await ada.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, clientMessageId = "photo-1", media = new { uploadId = completed.UploadId, width = 10, height = 10 } }))
            {
                await ChatApi.ReadAsync<Message>(sent, HttpStatusCode.Created);
            }

            var document = MediaFiles.Pdf(Chunk * 8 + 5);
            var unfinished = await ada.StartUploadAsync(conversationId, "document", "application/pdf", document.Length, "draft.pdf");
            using (var half = await ada.PatchUploadAsync(unfinished, 0, document.AsMemory(0, Chunk * 5)))
            {
                Assert.Equal(Chunk * 5, (await ChatApi.ReadAsync<UploadView>(half, HttpStatusCode.OK)).Received);
            }

            await system.Postgres.StopServerAsync(); // immediate: as a crash
            await system.Postgres.StartServerAsync();

            var statusPath = $"/api/conversations/{conversationId}/uploads/{unfinished.UploadId}";
            var survived = await Eventually.SucceedsAsync(() => ada.GetJsonAsync<UploadView>(statusPath), TimeSpan.FromSeconds(60), "the upload's status after the crash");
            output.WriteLine($"{survived.Received} of the {Chunk * 5} bytes acknowledged before the crash survived it");
            Assert.True(survived.Received <= Chunk * 5 && survived.Received % Chunk == 0, $"received {survived.Received}");
            using (var rest = await ada.PatchUploadAsync(unfinished, survived.Received, document.AsMemory((int)survived.Received)))
            {
                Assert.True((await ChatApi.ReadAsync<UploadView>(rest, HttpStatusCode.OK)).Complete);
            }

            var history = await bob.HistoryAsync(adaAuth.UserId, bobAuth.UserId);
            using (var photoDownload = await bob.GetAsync($"/api/conversations/{conversationId}/messages/{history.Messages.Single().Sequence}/media"))
            {
                Assert.Equal(photo, await photoDownload.Content.ReadAsByteArrayAsync());
            }

            using var documentSent = await ada.PostJsonAsync("/api/messages", new { toUserId = bobAuth.UserId, clientMessageId = "doc-1", media = new { uploadId = unfinished.UploadId } });
            var documentMessage = await ChatApi.ReadAsync<Message>(documentSent, HttpStatusCode.Created);
            using (var documentDownload = await bob.GetAsync($"/api/conversations/{conversationId}/messages/{documentMessage.Sequence}/media"))
            {
                Assert.Equal(document, await documentDownload.Content.ReadAsByteArrayAsync());
            }

            // Whole again: a fresh user's first message and first upload.
            var (carol, carolAuth) = await anonymous.RegisterAsync();
            await carol.SendAsync(adaAuth.UserId, "first after the crash");
            await carol.UploadAsync(TestIds.Conversation(adaAuth.UserId, carolAuth.UserId), "photo", "image/png", MediaFiles.Png(3000));
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

    private static async Task<(ChatApi Api, AuthResponse Auth)?> SendFirstAsync((ChatApi Api, AuthResponse Auth) sender, long to)
    {
        await sender.Api.SendAsync(to, $"hello {to}");
        return sender;
    }

    /// <summary>One registration, not retried: the user and a client acting as them, or what the gateway answered instead.</summary>
    private static async Task<((ChatApi Api, AuthResponse Auth)? User, string? Problem)> TryRegisterAsync(Uri gateway, ChatApi anonymous, long id)
    {
        using var response = await anonymous.PostJsonAsync("/api/auth/register", new { userId = id, displayName = $"User {id}", password = ChatApi.Password });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return (null, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var auth = await ChatApi.ReadAsync<AuthResponse>(response, HttpStatusCode.Created);
        return ((new ChatApi(gateway, auth.Token), auth), null);
    }

    /// <summary>One first message, not retried: null once stored, or what the gateway answered instead.</summary>
    private static async Task<string?> TrySendFirstAsync((ChatApi Api, AuthResponse Auth) sender, long to)
    {
        using var response = await sender.Api.PostJsonAsync("/api/messages", new { toUserId = to, content = $"first to {to}" });
        return response.StatusCode == HttpStatusCode.Created ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>Runs every item's call, <see cref="InFlight"/> at a time, and answers their results in the items' order.</summary>
    private static async Task<List<TResult>> ForEachAsync<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, Task<TResult>> call)
    {
        var list = items.ToList();
        var results = new TResult[list.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Count), new ParallelOptions { MaxDegreeOfParallelism = InFlight },
            async (index, _) => results[index] = await call(list[index]));
        return [.. results];
    }
}

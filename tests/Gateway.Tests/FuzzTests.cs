using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using WhatsApp.Gateway.Tests.Infrastructure;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// Thousands of random and malformed REST requests and hub invocations against the shared system, from a signed-in
/// stranger, from nobody and with forged tokens. Seeded: the seed is printed, and FUZZ_SEED repeats a run.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class FuzzTests(ChatSystemFixture fixture, ITestOutputHelper output)
{
    private const int RestRequests = 8_000;
    private const int HubInvocations = 2_000;
    private const int Concurrency = 8;

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
    private static readonly string[] HubMethods = ["SendMessage", "Typing", "MarkDelivered", "MarkRead", "GetInbox", "Nope"];

    [Fact(Timeout = 300_000)]
    public async Task RandomAndMalformedRequests_10000OfThem_NeverGetA5xxAndChangeNothingOfAnotherUser()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var configured)
            ? configured
            : Random.Shared.Next(1, int.MaxValue);
        output.WriteLine($"Fuzz seed {seed} (repeat with FUZZ_SEED={seed})");

        // The victim and their peer have a conversation with marks; the attacker is signed in and has chats of its own.
        using var anonymous = fixture.Api();
        var (victim, victimAuth) = await anonymous.RegisterAsync();
        var (peer, peerAuth) = await anonymous.RegisterAsync();
        var (attacker, attackerAuth) = await anonymous.RegisterAsync();
        var (_, otherAuth) = await anonymous.RegisterAsync();
        for (var i = 0; i < 3; i++)
        {
            await victim.SendAsync(peerAuth.UserId, $"before the fuzz {i}", $"v{i}");
        }

        await peer.SendAsync(victimAuth.UserId, "a reply", "p0");
        await attacker.SendAsync(otherAuth.UserId, "the attacker's own chat", "a0");
        var victimConversation = TestIds.Conversation(victimAuth.UserId, peerAuth.UserId);
        using (var read = await peer.PostJsonAsync($"/api/conversations/{victimConversation}/read", new { upToSequence = 2 }))
        {
            Assert.True(read.IsSuccessStatusCode);
        }

        var before = await SnapshotAsync(victim, peer, victimAuth.UserId, peerAuth.UserId);
        var words = new Words(victimAuth, peerAuth, attackerAuth, otherAuth);

        var serverErrors = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(seed + worker);
            using var http = new HttpClient { BaseAddress = fixture.System.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
            for (var i = 0; i < RestRequests / Concurrency; i++)
            {
                using var request = RandomRequest(random, words);
                var described = $"{request.Method} {request.RequestUri}";
                using var response = await http.SendAsync(request);
                if ((int)response.StatusCode >= 500)
                {
                    var error = $"{(int)response.StatusCode} for {described}: {await response.Content.ReadAsStringAsync()}";
                    lock (serverErrors)
                    {
                        serverErrors.Add(error);
                    }
                }
            }
        })));
        var restTime = clock.Elapsed;

        await Task.WhenAll(Enumerable.Range(0, Concurrency / 2).Select(worker => Task.Run(async () =>
        {
            var random = new Random(seed + 1000 + worker);
            await using var tab = await HubSession.ConnectAsync(fixture.System.GatewayUrl, attackerAuth.Token);
            for (var i = 0; i < HubInvocations / (Concurrency / 2); i++)
            {
                var (method, arguments) = RandomInvocation(random, words);
                try
                {
                    await tab.Connection.InvokeCoreAsync(method, typeof(object), arguments);
                }
                catch (HubException refused) when (refused.Message.Contains("HubException:", StringComparison.Ordinal)
                    || !refused.Message.Contains("unexpected error", StringComparison.OrdinalIgnoreCase))
                {
                    // A refusal that says why (a HubException of the hub's, shown with its type where errors are detailed,
                    // or the framework refusing an unknown method or bad arguments): what bad input should get.
                }
                catch (HubException failed)
                {
                    lock (serverErrors)
                    {
                        serverErrors.Add($"hub {method}({string.Join(", ", arguments)}): {failed.Message}");
                    }
                }
            }
        })));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{RestRequests} requests in {restTime.TotalSeconds:F1} s, {HubInvocations} hub invocations in {(clock.Elapsed - restTime).TotalSeconds:F1} s; {serverErrors.Count} server errors"));
        Assert.True(serverErrors.Count == 0, $"seed {seed}: {serverErrors.Count} server errors, e.g.\n{string.Join('\n', serverErrors.Take(5))}");
        Assert.All(fixture.System.Silos.Concat(fixture.System.Gateways), host => Assert.False(host.HasExited, $"{host.Name} exited"));
        Assert.Equal(before, await SnapshotAsync(victim, peer, victimAuth.UserId, peerAuth.UserId));
        victim.Dispose();
        peer.Dispose();
        attacker.Dispose();
    }

    /// <summary>What the victim and their peer see: both chat lists and their conversation, as JSON text.</summary>
    private static async Task<string> SnapshotAsync(ChatApi victim, ChatApi peer, long victimId, long peerId) => string.Join('\n',
        await victim.GetJsonAsync<System.Text.Json.JsonElement>("/api/conversations"),
        await peer.GetJsonAsync<System.Text.Json.JsonElement>("/api/conversations"),
        await victim.GetJsonAsync<System.Text.Json.JsonElement>($"/api/conversations/{victimId}/{peerId}?limit=100"));

    private static HttpRequestMessage RandomRequest(Random random, Words words)
    {
        var path = random.Next(8) switch
        {
            0 => $"/api/messages/{words.Id(random)}",
            1 => $"/api/conversations/{words.Id(random)}/{words.Id(random)}",
            2 => $"/api/conversations/{words.ConversationId(random)}/read",
            3 => $"/api/users/{words.Id(random)}",
            4 => Pick(random, ["/api/auth/login", "/api/auth/register", "/api/users", "/api/conversations", "/api/health/shards", "/healthz"]),
            5 => "/" + Uri.EscapeDataString(Words.Text(random)),
            _ => "/api/messages",
        };
        var query = random.Next(3) == 0 ? "" : "?" + string.Join('&', Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
            $"{Pick(random, ["limit", "before", "beforeSequence", "query", "userId", "x"])}={Uri.EscapeDataString(words.Value(random))}"));
        var request = new HttpRequestMessage(new HttpMethod(Pick(random, Methods)), path + query);
        if (request.Method != HttpMethod.Get || random.Next(10) == 0)
        {
            request.Content = new StringContent(words.Body(random), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(Pick(random, ["application/json", "application/json", "application/json", "text/plain", "application/x-www-form-urlencoded"]));
        }

        var token = random.Next(10) switch
        {
            < 7 => words.AttackerToken,
            7 => null,
            8 => words.AttackerToken[..^4] + "AAAA",
            _ => $"not.a.token{random.Next()}",
        };
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        return request;
    }

    private static (string Method, object?[] Arguments) RandomInvocation(Random random, Words words)
    {
        var method = Pick(random, HubMethods);
        object?[] arguments = random.Next(4) == 0
            ? [.. Enumerable.Range(0, random.Next(4)).Select(_ => words.Argument(random))]
            : method switch
            {
                "SendMessage" => [words.Argument(random), words.Argument(random), words.Argument(random)],
                "Typing" => [words.ConversationId(random), random.Next(2) == 0],
                "MarkDelivered" or "MarkRead" => [words.ConversationId(random), words.Argument(random)],
                _ => [],
            };
        return (method, arguments);
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];


    /// <summary>
    /// The vocabulary of the fuzz: real ids, edge values and garbage. The victim and their peer appear wherever a request
    /// would reach into their conversation (paths, conversation ids, marks), never as the recipient of a send, which
    /// would be a valid request, not a refused one.
    /// </summary>
    private sealed class Words(AuthResponse victim, AuthResponse peer, AuthResponse attacker, AuthResponse other)
    {
        private static readonly string[] Garbage =
        [
            "", " ", "0", "-1", "1.5", "1e20", "99999999999999999999", "9223372036854775807", "1000000000000000", "999999999999999",
            "null", "true", "[]", "{}", "abc", "%00", "\0", "\uFFFE", "😀", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
            new string('x', 5000),
        ];

        public string AttackerToken => attacker.Token;

        public string Id(Random random) => random.Next(3) == 0 ? Pick(random, Garbage) : RealId(random).ToString(CultureInfo.InvariantCulture);

        public string ConversationId(Random random) => random.Next(3) switch
        {
            0 => Pick(random, Garbage),
            1 => $"{Id(random)}-{Id(random)}",
            _ => TestIds.Conversation(RealId(random), RealId(random)),
        };

        public string Value(Random random) => random.Next(2) == 0 ? Pick(random, Garbage) : Id(random);

        public static string Text(Random random) => Pick(random, Garbage) + random.Next().ToString(CultureInfo.InvariantCulture);

        public object? Argument(Random random) => random.Next(6) switch
        {
            0 => null,
            1 => RecipientId(random),
            2 => random.NextInt64(long.MinValue, long.MaxValue),
            3 => Pick(random, Garbage),
            4 => random.Next(2) == 0,
            _ => new[] { 1, 2 },
        };

        /// <summary>A JSON-ish body: a well-formed shape with a random field gone wrong, or plain garbage.</summary>
        public string Body(Random random)
        {
            string Json(object? value) => System.Text.Json.JsonSerializer.Serialize(value);
            object? Field() => random.Next(5) switch
            {
                0 => RecipientId(random),
                1 => Pick(random, Garbage),
                2 => random.Next(2) == 0 ? null : random.NextDouble() * 1e18,
                3 => new[] { RecipientId(random) },
                _ => new Dictionary<string, object?> { ["x"] = Pick(random, Garbage) },
            };

            var body = random.Next(6) switch
            {
                0 => Json(new { toUserId = Field(), content = Field(), clientMessageId = Field() }),
                1 => Json(new { upToSequence = Field() }),
                2 => Json(new { userId = Field(), password = Field() }),
                3 => Json(new { userId = Field(), displayName = Field(), password = "short" }),
                4 => Pick(random, Garbage),
                _ => Json(new { toUserId = other.UserId, content = Pick(random, Garbage), clientMessageId = Field() }),
            };
            return random.Next(8) == 0 && body.Length > 2 ? body[..random.Next(body.Length)] : body;
        }

        private long RealId(Random random) => random.Next(2) == 0 ? Pick(random, [victim.UserId, peer.UserId]) : RecipientId(random);

        private long RecipientId(Random random) => Pick(random, [attacker.UserId, other.UserId, TestIds.User()]);
    }
}

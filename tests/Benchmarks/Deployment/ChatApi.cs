using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Deployment;

/// <summary>A registered user and the token the gateway gave them.</summary>
public sealed record ChatUser(long Id, string Token);

/// <summary>The REST half of the public contract, as the benchmark uses it: one pooled HTTP client for every user.</summary>
public sealed class ChatApi(Uri gatewayUrl) : IDisposable
{
    private const string Password = "benchmark password";
    /// <summary>Attempts of a registration or a group creation that the gateway answers 503.</summary>
    private const int RegisterAttempts = 5;
    private const int HistoryPageSize = 100;

    // Up to 256 requests in flight each need a connection of their own (HTTP/1.1); the default pool would be enough,
    // but an explicit one says so and keeps idle connections for the next window.
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = gatewayUrl,
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>
    /// Registers a fresh user as a client should: a 503 (the cluster was busy or briefly unreachable) is tried again after
    /// a pause, and a 409 on a retry means the earlier attempt went through after all, so it logs in instead.
    /// </summary>
    public async Task<ChatUser> RegisterAsync()
    {
        var userId = TestIds.User();
        for (var attempt = 1; ; attempt++)
        {
            using var response = await _http.PostAsJsonAsync("/api/auth/register", new { userId, displayName = $"Bench {userId}", password = Password });
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < RegisterAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Conflict && attempt > 1)
            {
                using var login = await _http.PostAsJsonAsync("/api/auth/login", new { userId, password = Password });
                return new ChatUser(userId, await TokenOfAsync(login));
            }

            return new ChatUser(userId, await TokenOfAsync(response));
        }
    }

    /// <summary>Sends as <paramref name="from"/>; true when the gateway acknowledged it (201, or 200 for a repeat).</summary>
    public async Task<bool> SendAsync(ChatUser from, long toUserId, string content, string clientMessageId) =>
        await SendForStatusAsync(from, toUserId, content, clientMessageId) is HttpStatusCode.Created or HttpStatusCode.OK;

    /// <summary>Sends as <paramref name="from"/> and gives the gateway's answer (503 during an outage, for instance).</summary>
    public async Task<HttpStatusCode> SendForStatusAsync(ChatUser from, long toUserId, string content, string clientMessageId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = JsonContent.Create(new { toUserId, content, clientMessageId }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", from.Token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Uploads a whole file into a conversation as a client does (declared, then sent in one streamed PATCH); true when
    /// every byte was stored.
    /// </summary>
    public async Task<bool> UploadAsync(ChatUser owner, string conversationId, string contentType, byte[] bytes)
    {
        using var start = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{conversationId}/uploads")
        {
            Content = JsonContent.Create(new { kind = "document", contentType, length = bytes.Length }),
        };
        start.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);
        using var started = await _http.SendAsync(start);
        if (started.StatusCode != HttpStatusCode.Created)
        {
            return false;
        }

        var uploadId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uploadId").GetString();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/conversations/{conversationId}/uploads/{uploadId}")
        {
            Content = new ReadOnlyMemoryContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
        };
        patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.Token);
        patch.Headers.Add("Upload-Offset", "0");
        using var stored = await _http.SendAsync(patch);
        return stored.IsSuccessStatusCode && (await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("complete").GetBoolean();
    }

    /// <summary>
    /// Creates a group of the creator and these members; answers its id. A 503 (a silo or a database just back from the
    /// failover scenario, say) is tried again after a pause, as a client would: at worst an unused group is left behind.
    /// </summary>
    public async Task<long> CreateGroupAsync(ChatUser creator, string name, IReadOnlyList<long> memberIds)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/groups") { Content = JsonContent.Create(new { name, memberIds }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", creator.Token);
            using var response = await _http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < RegisterAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
                continue;
            }

            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            return body.RootElement.GetProperty("groupId").GetInt64();
        }
    }

    /// <summary>Sends to a group as <paramref name="from"/>; true when the gateway acknowledged it.</summary>
    public async Task<bool> SendToGroupAsync(ChatUser from, long groupId, string content, string clientMessageId) =>
        await SendToGroupForStatusAsync(from, groupId, content, clientMessageId) is HttpStatusCode.Created or HttpStatusCode.OK;

    /// <summary>Sends to a group as <paramref name="from"/> and gives the gateway's answer.</summary>
    public async Task<HttpStatusCode> SendToGroupForStatusAsync(ChatUser from, long groupId, string content, string clientMessageId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/groups/{groupId}/messages")
        {
            Content = JsonContent.Create(new { content, clientMessageId }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", from.Token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Every stored message of a conversation (the target's 1:1 conversation or its group), oldest first, as its
    /// sequence and clientMessageId: paged back from the newest.
    /// </summary>
    public async Task<IReadOnlyList<(long Sequence, string? ClientMessageId)>> ReadWholeHistoryAsync(ChatUser reader, long? peerId, long? groupId)
    {
        var path = groupId is { } group
            ? $"/api/groups/{group}/messages"
            : $"/api/conversations/{Math.Min(reader.Id, peerId!.Value)}/{Math.Max(reader.Id, peerId.Value)}";
        var messages = new List<(long Sequence, string? ClientMessageId)>();
        long? before = null;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?limit={HistoryPageSize}{(before is { } sequence ? $"&beforeSequence={sequence}" : string.Empty)}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reader.Token);
            using var response = await _http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
            var page = body.RootElement.GetProperty("messages").EnumerateArray()
                .Select(message => (message.GetProperty("sequence").GetInt64(), message.TryGetProperty("clientMessageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null))
                .ToList();
            messages.InsertRange(0, page);
            if (page.Count < HistoryPageSize || page[0].Item1 <= 1)
            {
                return messages;
            }

            before = page[0].Item1;
        }
    }

    /// <summary>The newest page of a 1:1 conversation; true when it answered 200.</summary>
    public async Task<bool> ReadHistoryAsync(ChatUser reader, long peerId)
    {
        var (a, b) = (Math.Min(reader.Id, peerId), Math.Max(reader.Id, peerId));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{a}/{b}?limit=50");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reader.Token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>The sequence of the newest message of a 1:1 conversation (0 when it has none).</summary>
    public async Task<long> LastSequenceAsync(ChatUser reader, long peerId)
    {
        var (a, b) = (Math.Min(reader.Id, peerId), Math.Max(reader.Id, peerId));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{a}/{b}?limit=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reader.Token);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("messages").EnumerateArray().Select(message => message.GetProperty("sequence").GetInt64()).LastOrDefault();
    }

    /// <summary>A user's public profile; true when it answered 200.</summary>
    public async Task<bool> LookUpAsync(ChatUser reader, long userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/users/{userId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reader.Token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode == HttpStatusCode.OK;
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> TokenOfAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return body.RootElement.GetProperty("token").GetString()!;
    }
}

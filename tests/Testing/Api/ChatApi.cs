using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace WhatsApp.Testing.Api;

/// <summary>
/// The tests' one REST client of the gateway, as one user (or anonymous), from 127.0.0.1 or another loopback address.
/// An answer other than the one expected throws, with the body, so a test's failure says what the gateway said.
/// </summary>
public sealed class ChatApi(Uri gateway, string? token = null, IPAddress? clientAddress = null) : IDisposable
{
    public const string Password = "correct horse battery";
    private readonly HttpClient _http = CreateClient(gateway, token, clientAddress);

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => _http.PostAsJsonAsync(path, body, ContractJson.Options);

    /// <summary>A POST with headers of its own (what a proxy adds, say).</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, IEnumerable<(string Name, string Value)> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: ContractJson.Options) };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return _http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostRawAsync(string path, string body, string contentType = "application/json") =>
        _http.PostAsync(path, new StringContent(body, Encoding.UTF8, contentType));

    public Task<HttpResponseMessage> PutRawAsync(string path, string body) =>
        _http.PutAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public Task<HttpResponseMessage> PutJsonAsync(string path, object body) => _http.PutAsJsonAsync(path, body, ContractJson.Options);

    public Task<HttpResponseMessage> DeleteAsync(string path) => _http.DeleteAsync(path);

    /// <summary>Any request, for headers and bodies the helpers above do not make (ranges, conditional GETs, raw bytes).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead) =>
        _http.SendAsync(request, completion);

    /// <summary>Declares an upload into the conversation; throws unless it is created.</summary>
    public async Task<UploadView> StartUploadAsync(string conversationId, string kind, string contentType, long length, string? fileName = null)
    {
        using var response = await PostJsonAsync($"/api/conversations/{conversationId}/uploads", new { kind, contentType, length, fileName });
        return await ReadAsync<UploadView>(response, HttpStatusCode.Created);
    }

    /// <summary>Sends bytes of an upload from an offset: the raw PATCH a client makes (answer unread).</summary>
    public Task<HttpResponseMessage> PatchUploadAsync(UploadView upload, long offset, ReadOnlyMemory<byte> bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/conversations/{upload.ConversationId}/uploads/{upload.UploadId}")
        {
            Content = new ReadOnlyMemoryContent(bytes),
        };
        request.Headers.Add("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return _http.SendAsync(request);
    }

    /// <summary>Declares and sends a whole file in one request; the finished upload.</summary>
    public async Task<UploadView> UploadAsync(string conversationId, string kind, string contentType, byte[] bytes, string? fileName = null)
    {
        var upload = await StartUploadAsync(conversationId, kind, contentType, bytes.Length, fileName);
        using var response = await PatchUploadAsync(upload, 0, bytes);
        return await ReadAsync<UploadView>(response, HttpStatusCode.OK);
    }

    public async Task<T> GetJsonAsync<T>(string path)
    {
        using var response = await _http.GetAsync(path);
        return await ReadAsync<T>(response, HttpStatusCode.OK);
    }

    /// <summary>Registers a fresh user and returns a client acting as them.</summary>
    public async Task<(ChatApi Api, AuthResponse Auth)> RegisterAsync(long? userId = null, string? name = null)
    {
        var id = userId ?? TestIds.User();
        using var response = await PostJsonAsync("/api/auth/register", new { userId = id, displayName = name ?? $"User {id}", password = Password });
        var auth = await ReadAsync<AuthResponse>(response, HttpStatusCode.Created);
        return (new ChatApi(gateway, auth.Token), auth);
    }

    /// <summary>Signs a user in and returns a client acting as them.</summary>
    public async Task<(ChatApi Api, AuthResponse Auth)> LoginAsync(long userId, string password = Password)
    {
        using var response = await PostJsonAsync("/api/auth/login", new { userId, password });
        var auth = await ReadAsync<AuthResponse>(response, HttpStatusCode.OK);
        return (new ChatApi(gateway, auth.Token), auth);
    }

    public async Task<Message> SendAsync(long toUserId, string content, string? clientMessageId = null)
    {
        using var response = await PostJsonAsync("/api/messages", new { toUserId, content, clientMessageId });
        return await ReadAsync<Message>(response, HttpStatusCode.Created);
    }

    public Task<HistoryPage> HistoryAsync(long a, long b, long? beforeSequence = null, int? limit = null) =>
        GetJsonAsync<HistoryPage>($"/api/conversations/{a}/{b}?{(beforeSequence is null ? "" : $"beforeSequence={beforeSequence}&")}{(limit is null ? "" : $"limit={limit}")}");

    public Task<List<ConversationView>> InboxAsync() => GetJsonAsync<List<ConversationView>>("/api/conversations");

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new HttpRequestException($"Expected {(int)expected}, got {(int)response.StatusCode}: {body}", null, response.StatusCode);
        }

        return System.Text.Json.JsonSerializer.Deserialize<T>(body, ContractJson.Options)!;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A loopback address of its own (127.x.y.z; Linux routes all of 127/8 to lo), so the gateway sees a distinct client.</summary>
    public static IPAddress FreshClientAddress() =>
        new([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(2, 255)]);

    private static HttpClient CreateClient(Uri gateway, string? token, IPAddress? clientAddress)
    {
        var handler = new SocketsHttpHandler();
        if (clientAddress is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(clientAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var http = new HttpClient(handler) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}

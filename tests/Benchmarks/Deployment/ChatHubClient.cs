using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace WhatsApp.Benchmarks.Deployment;

/// <summary>Hub connections made with the official .NET SignalR client, as a device of a user would make them.</summary>
public static class ChatHubClient
{
    /// <summary>
    /// Connects as <paramref name="user"/> and calls GetInbox, after which the gateway has subscribed the connection to
    /// the user's events (the contract's catch-up point). <paramref name="onMessage"/> sees every `message` event.
    /// </summary>
    public static async Task<HubConnection> ConnectAsync(Uri gatewayUrl, ChatUser user, Action<JsonElement>? onMessage = null, SourceAddress? source = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(gatewayUrl, "/hubs/chat"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(user.Token);
                if (source is not null)
                {
                    // Straight to WebSockets, so the one TCP connection is the one bound to the source address.
                    options.SkipNegotiation = true;
                    options.Transports = HttpTransportType.WebSockets;
                    options.WebSocketFactory = (context, cancellationToken) => source.ConnectWebSocketAsync(context.Uri, user.Token, cancellationToken);
                }
            })
            .Build();
        if (onMessage is not null)
        {
            connection.On("message", onMessage);
        }

        await connection.StartAsync();
        await connection.InvokeAsync<JsonElement>("GetInbox");
        return connection;
    }
}

/// <summary>
/// A loopback source address (127.0.0.x) for outgoing WebSocket connections. Linux gives each source address its own
/// range of ephemeral ports towards one destination, so spreading connections over several lifts the ~28,000 limit.
/// </summary>
public sealed class SourceAddress : IDisposable
{
    private readonly HttpMessageInvoker _invoker;

    public SourceAddress(IPAddress address)
    {
        Address = address;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(address, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        });
    }

    public IPAddress Address { get; }

    /// <summary>127.0.0.2, 127.0.0.3, ...: enough of them for <paramref name="connections"/> at <paramref name="perAddress"/> each.</summary>
    public static IReadOnlyList<SourceAddress> ForConnections(int connections, int perAddress) =>
        [.. Enumerable.Range(2, (connections + perAddress - 1) / perAddress).Select(last => new SourceAddress(new IPAddress([127, 0, 0, (byte)last])))];

    public async ValueTask<WebSocket> ConnectWebSocketAsync(Uri uri, string token, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            // What the SignalR client's own factory would add: the token as a bearer header (the hub also takes it as
            // access_token in the query, which only browsers need).
            socket.Options.SetRequestHeader("Authorization", $"Bearer {token}");
            await socket.ConnectAsync(uri, _invoker, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _invoker.Dispose();
}

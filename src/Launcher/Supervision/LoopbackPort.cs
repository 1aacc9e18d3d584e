using System.Net;
using System.Net.Sockets;

namespace WhatsApp.Launcher.Supervision;

/// <summary>Whether something listens on a port of 127.0.0.1: a store that answers, or a port another program holds.</summary>
public static class LoopbackPort
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(500);

    public static async Task<bool> AnswersAsync(int port)
    {
        using var socket = new TcpClient();
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}

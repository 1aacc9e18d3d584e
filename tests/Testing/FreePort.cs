using System.Net;
using System.Net.Sockets;

namespace WhatsApp.Testing;

/// <summary>
/// Ports for the servers a test starts. They come from below the kernel's ephemeral range (32768 and up on Linux):
/// a port the kernel once handed out as free (port 0) can be taken by any outgoing connection, a database client's
/// say, before the server that was meant to have it binds it. A port is handed out once per test process.
/// </summary>
public static class FreePort
{
    private const int FirstPort = 20_000;
    private const int EndPort = 30_000; // 30000 and up are Orleans' default gateway ports

    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now and that no earlier call returned.</summary>
    public static int Next() => NextRun(1);

    /// <summary>The first of <paramref name="length"/> consecutive such ports.</summary>
    public static int NextRun(int length)
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 10_000; attempt++)
            {
                var start = Random.Shared.Next(FirstPort, EndPort - length);
                var run = Enumerable.Range(start, length).ToList();
                if (run.All(port => !HandedOut.Contains(port) && IsFree(port)))
                {
                    HandedOut.UnionWith(run);
                    return start;
                }
            }

            throw new InvalidOperationException($"No {length} free consecutive ports between {FirstPort} and {EndPort}.");
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

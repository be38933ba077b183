using System.Net;
using System.Net.Sockets;

namespace VideoAnalytics.Tests.Support;

/// <summary>
/// Ports for the servers tests start. Two rules keep them from colliding (a soak run once saw a silo's HTTP port
/// already taken by another silo's Orleans port): a port is handed out once per test run, and it comes from below
/// Linux's ephemeral range (32768–60999), where the kernel never puts the local end of an outgoing connection nor a
/// port-0 bind, so nothing else in the run takes it between our check and the server's bind (and not where the
/// all-in-one service picks its in-process silo's port).
/// </summary>
public static class FreePort
{
    // The all-in-one service's in-process silo takes its port from 26000–31999.
    private const int First = 20000;
    private const int Last = 26000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(First, Last);
                if (!HandedOut.Contains(port) && IsFree(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free port between {First} and {Last}");
    }

    // Silos listen on every address, so the port must be free on all of them, not just loopback.
    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

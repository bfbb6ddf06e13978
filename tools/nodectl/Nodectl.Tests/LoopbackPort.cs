using System.Net;
using System.Net.Sockets;

namespace NodeFirmware.Nodectl.Tests;

/// <summary>A TCP port on 127.0.0.1 that was free a moment ago, for a receiver or broker a test starts.</summary>
internal static class LoopbackPort
{
    public static int Free()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}

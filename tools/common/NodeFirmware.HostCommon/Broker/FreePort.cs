using System.Net;
using System.Net.Sockets;

namespace NodeFirmware.HostCommon.Broker;

public static class FreePort
{
    /// <summary>A port the OS just handed out on the loopback address (free now; someone may take it later).</summary>
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

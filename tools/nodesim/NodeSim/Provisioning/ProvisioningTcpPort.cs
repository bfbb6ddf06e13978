using System.Net;
using System.Net.Sockets;

namespace NodeSim.Provisioning;

/// <summary>
/// A virtual node's provisioning serial port on 127.0.0.1 (a free port): raw bytes both ways, one host at
/// a time, like a UART. <c>nodectl provision --tcp 127.0.0.1:&lt;Port&gt;</c> talks to it.
/// </summary>
public sealed class ProvisioningTcpPort : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public ProvisioningTcpPort(VirtualProvisioningNode node)
    {
        Node = node;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public VirtualProvisioningNode Node { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Endpoint => $"127.0.0.1:{Port}";

    public int Connections { get; private set; }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Connections++;
            tcp.NoDelay = true;
            using (tcp)
            {
                await Node.ServeAsync(tcp.GetStream(), _stop.Token);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}

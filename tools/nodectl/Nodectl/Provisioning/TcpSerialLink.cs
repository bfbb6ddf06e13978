using System.Net.Sockets;
using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// A virtual node's provisioning port over TCP (<c>--tcp host:port</c>), behind the same interface as a
/// serial port. There are no control lines: signal changes are ignored, as is the baud rate.
/// </summary>
public sealed class TcpSerialLink : ISerialLink
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    public TcpSerialLink(string host, int port, TimeSpan connectTimeout)
    {
        _client = new TcpClient { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(connectTimeout);
            _client.ConnectAsync(host, port, cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            _client.Dispose();
            throw new ProvisioningLinkException($"cannot connect to the virtual node at {host}:{port}: {e.Message}", e);
        }
        _stream = _client.GetStream();
        Name = $"tcp:{host}:{port}";
    }

    /// <summary>Parses "host:port".</summary>
    public static (string Host, int Port) ParseEndpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"'{text}' is not host:port");
        return (text[..colon], port);
    }

    public string Name { get; }

    public int BaudRate { get; private set; } = 115200;

    public void SetBaudRate(int baudRate) => BaudRate = baudRate;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        try { _stream.Write(bytes); }
        catch (IOException e) { throw new ProvisioningLinkException($"{Name}: connection lost while sending: {e.Message}", e); }
    }

    public int Read(Span<byte> buffer, TimeSpan timeout)
    {
        try
        {
            long micros = Math.Max(0, (long)timeout.TotalMicroseconds);
            if (!_client.Client.Poll((int)Math.Min(micros, int.MaxValue), SelectMode.SelectRead)) return 0;
            int n = _stream.Read(buffer);
            if (n == 0) throw new ProvisioningLinkException($"{Name}: the virtual node closed the connection");
            return n;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw new ProvisioningLinkException($"{Name}: connection lost while receiving: {e.Message}", e);
        }
    }

    public void SetSignals(bool dtr, bool rts) { }

    public void DiscardInput()
    {
        var scratch = new byte[1024];
        while (_client.Available > 0) _stream.ReadExactly(scratch, 0, Math.Min(scratch.Length, _client.Available));
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }
}

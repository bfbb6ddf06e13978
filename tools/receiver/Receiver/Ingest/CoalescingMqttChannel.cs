using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Channel;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Diagnostics.PacketInspection;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Implementations;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// The ingest connection's channel: packets written while an earlier write is still on its way to the socket are
/// gathered and go out together, as one TLS write, instead of one TLS record and one send call each. The ingest writes
/// two small packets per message (the device's acknowledgement and the PUBACK); written one by one they cost the
/// receiver and the broker more CPU than the message itself, and MQTTnet holds its send lock across each write, so
/// every ack waited for the one before. A write returns once its bytes are queued (in order); it waits only while
/// more than <see cref="MaxPendingBytes"/> are queued. A failed socket write fails every later write, and the
/// connection's reader sees the closed connection. Disconnecting first sends what is queued (the DISCONNECT packet).
/// </summary>
public sealed class CoalescingMqttChannel(IMqttChannel inner) : IMqttChannel
{
    public const int MaxPendingBytes = 1 << 20;

    private readonly object _lock = new();
    private ArrayBufferWriter<byte> _pending = new(4096);
    private ArrayBufferWriter<byte> _writing = new(4096);
    private Task _flush = Task.CompletedTask;
    private bool _flushing;
    private Exception? _failure;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;
    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;
    public EndPoint LocalEndPoint => inner.LocalEndPoint;
    public bool IsSecureConnection => inner.IsSecureConnection;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    public Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool start;
        Task? full = null;
        lock (_lock)
        {
            if (_failure is not null) throw new MqttCommunicationException("an earlier write on this connection failed", _failure);
            foreach (var segment in buffer) _pending.Write(segment.Span);
            start = !_flushing;
            _flushing = true;
            if (!start && _pending.WrittenCount > MaxPendingBytes) full = _flush;
        }
        if (start)
        {
            var flush = FlushAsync();
            lock (_lock) if (_flushing) _flush = flush;
        }
        return full ?? Task.CompletedTask;
    }

    /// <summary>Writes what is queued, then what was queued meanwhile, until nothing is left.</summary>
    private async Task FlushAsync()
    {
        while (true)
        {
            ArrayBufferWriter<byte> batch;
            lock (_lock)
            {
                if (_pending.WrittenCount == 0)
                {
                    _flushing = false;
                    return;
                }
                batch = _pending;
                _pending = _writing;
                _writing = batch;
            }
            try
            {
                await inner.WriteAsync(new ReadOnlySequence<byte>(batch.WrittenMemory), true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    _failure = e;
                    _flushing = false;
                    _pending.Clear();
                }
                return;
            }
            batch.Clear();
        }
    }

    /// <summary>Waits until everything queued has been written (or a write failed).</summary>
    public async Task DrainAsync()
    {
        while (true)
        {
            Task flush;
            lock (_lock)
            {
                if (!_flushing) return;
                flush = _flush;
            }
            await flush.ConfigureAwait(false);
            await Task.Yield(); // the flush that a write started after this one was read
        }
    }

    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        await DrainAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await inner.DisconnectAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => inner.Dispose();
}

/// <summary>MQTTnet's TCP/TLS client adapter with a <see cref="CoalescingMqttChannel"/> between it and the socket.</summary>
public sealed class CoalescingMqttClientAdapterFactory : IMqttClientAdapterFactory
{
    public IMqttChannelAdapter CreateClientAdapter(MqttClientOptions options, MqttPacketInspector packetInspector, IMqttNetLogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChannelOptions is not MqttClientTcpOptions)
            throw new NotSupportedException("the ingest connects over TCP (with TLS) only");
        var formatter = new MqttPacketFormatterAdapter(options.ProtocolVersion, new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
        return new MqttChannelAdapter(new CoalescingMqttChannel(new MqttTcpChannel(options)), formatter, logger)
        {
            AllowPacketFragmentation = options.AllowPacketFragmentation,
            PacketInspector = packetInspector,
        };
    }
}

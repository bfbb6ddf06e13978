using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;
using MQTTnet.Exceptions;
using NodeFirmware.Receiver.Ingest;

namespace NodeFirmware.Receiver.Tests.Ingest;

public class CoalescingMqttChannelTests
{
    /// <summary>A socket whose writes finish when the test says so.</summary>
    private sealed class HeldChannel : IMqttChannel
    {
        public readonly List<byte[]> Writes = new();
        public TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Exception? Fail;
        public bool Disconnected;

        public X509Certificate2 ClientCertificate => null!;
        public EndPoint RemoteEndPoint => new IPEndPoint(IPAddress.Loopback, 8883);
        public EndPoint LocalEndPoint => new IPEndPoint(IPAddress.Loopback, 50000);
        public bool IsSecureConnection => true;
        public Task ConnectAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task DisconnectAsync(CancellationToken cancellationToken)
        {
            Disconnected = true;
            return Task.CompletedTask;
        }

        public async Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken)
        {
            lock (Writes) Writes.Add(buffer.ToArray());
            await Release.Task;
            if (Fail is not null) throw Fail;
        }

        public void Dispose() { }
    }

    private static ReadOnlySequence<byte> Bytes(params byte[] b) => new(b);

    [Fact]
    public async Task Packets_written_while_a_write_is_under_way_go_out_together_in_order()
    {
        var socket = new HeldChannel();
        var channel = new CoalescingMqttChannel(socket);
        Assert.True(channel.WriteAsync(Bytes(1), true, default).IsCompleted);
        for (byte b = 2; b <= 5; b++) Assert.True(channel.WriteAsync(Bytes(b), true, default).IsCompleted); // queued, not waited for
        Assert.Equal([[1]], socket.Writes);
        socket.Release.SetResult();
        await channel.DrainAsync();
        Assert.Equal([[1], [2, 3, 4, 5]], socket.Writes);
    }

    [Fact]
    public async Task A_write_waits_once_more_than_the_limit_is_queued()
    {
        var socket = new HeldChannel();
        var channel = new CoalescingMqttChannel(socket);
        await channel.WriteAsync(Bytes(0), true, default);
        var big = new byte[CoalescingMqttChannel.MaxPendingBytes];
        Assert.True(channel.WriteAsync(new ReadOnlySequence<byte>(big), true, default).IsCompleted);
        var over = channel.WriteAsync(Bytes(1), true, default);
        Assert.False(over.IsCompleted);
        socket.Release.SetResult();
        await over.WaitAsync(TimeSpan.FromSeconds(10));
        await channel.DrainAsync();
        Assert.Equal(1 + big.Length + 1, socket.Writes.Sum(w => w.Length));
    }

    [Fact]
    public async Task After_a_failed_write_every_write_fails()
    {
        var socket = new HeldChannel { Fail = new IOException("connection reset") };
        var channel = new CoalescingMqttChannel(socket);
        await channel.WriteAsync(Bytes(1), true, default);
        socket.Release.SetResult();
        await channel.DrainAsync();
        var e = await Assert.ThrowsAsync<MqttCommunicationException>(() => channel.WriteAsync(Bytes(2), true, default));
        Assert.IsType<IOException>(e.InnerException);
    }

    [Fact]
    public async Task Disconnecting_sends_what_is_queued_first()
    {
        var socket = new HeldChannel();
        var channel = new CoalescingMqttChannel(socket);
        await channel.WriteAsync(Bytes(1), true, default);
        await channel.WriteAsync(Bytes(0xE0, 0), true, default); // DISCONNECT
        var disconnect = channel.DisconnectAsync(default);
        Assert.False(socket.Disconnected);
        socket.Release.SetResult();
        await disconnect.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(socket.Disconnected);
        Assert.Equal([[1], [0xE0, 0]], socket.Writes);
    }
}

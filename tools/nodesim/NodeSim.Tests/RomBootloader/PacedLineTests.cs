using System.Diagnostics;
using System.Net.Sockets;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Rfc2217;
using NodeSim.RomBootloader.Uart;

namespace NodeSim.Tests.RomBootloader;

/// <summary>
/// The RFC 2217 server's paced UART (<see cref="RomRfc2217ServerOptions.PaceAtBaudRate"/>): at 115200 baud a byte
/// takes 86.8 µs each way, so a known number of bytes takes at least its line time to reach the chip and to come
/// back from it. Unpaced, the same bytes cross loopback in a few milliseconds.
/// </summary>
public class PacedLineTests
{
    private const int Baud = RomWire.ESP_ROM_BAUD; // the rate a client's connection starts at

    [Fact]
    public void Bytes_to_the_chip_take_at_least_their_line_time()
    {
        using var server = new RomRfc2217Server(options: new RomRfc2217ServerOptions { PaceAtBaudRate = true });
        using var client = Connect(server);
        var bytes = Enumerable.Repeat((byte)0x55, 2304).ToArray(); // 200 ms at 115200 baud

        var clock = Stopwatch.StartNew();
        client.GetStream().Write(bytes);
        var arrived = WaitFor(() => server.Sim.Traffic.BytesFromHost == bytes.Length, () => clock.Elapsed);

        var lineTime = PacedSerialLine.LineTime(bytes.Length, Baud);
        Assert.True(arrived >= lineTime, $"{bytes.Length} bytes reached the chip after {arrived.TotalMilliseconds:0.0} ms, under their line time of {lineTime.TotalMilliseconds:0.0} ms");
        Assert.True(arrived < lineTime + TimeSpan.FromSeconds(1), $"{bytes.Length} bytes took {arrived.TotalMilliseconds:0.0} ms, far over their line time of {lineTime.TotalMilliseconds:0.0} ms");
    }

    [Fact]
    public void Answers_from_the_chip_take_at_least_their_line_time_and_the_activity_window_spans_them()
    {
        using var server = new RomRfc2217Server(options: new RomRfc2217ServerOptions { PaceAtBaudRate = true });
        server.Sim.PowerOn(io0Low: true); // download mode without DTR/RTS
        server.Sim.Traffic.Reset();       // leave out the boot message, sent before anyone listened
        using var client = Connect(server);
        const int syncs = 30; // each answered with 8 responses
        var requests = Enumerable.Range(0, syncs).SelectMany(_ => Slip.Encode(RomProtocol.BuildRequest(RomCommand.SYNC, RomProtocol.SyncPayload()))).ToArray();

        var clock = Stopwatch.StartNew();
        client.GetStream().Write(requests);
        long received = 0;
        var decoder = new TelnetDecoder();
        var buffer = new byte[4096];
        client.ReceiveTimeout = 5000;
        while (server.Sim.Traffic.Requests < syncs || received < server.Sim.Traffic.BytesToHost)
        {
            int n = client.GetStream().Read(buffer);
            Assert.True(n > 0, "the server closed the connection");
            received += decoder.Push(buffer.AsSpan(0, n)).Where(e => e.Kind == TelnetEventKind.Data).Sum(e => e.Bytes.Length);
        }

        var elapsed = clock.Elapsed;
        long answered = server.Sim.Traffic.BytesToHost;
        var lineTime = PacedSerialLine.LineTime(answered, Baud);
        Assert.Equal(syncs * 8, server.Sim.ResponsesSent);
        Assert.True(elapsed >= lineTime, $"{answered} answer bytes arrived after {elapsed.TotalMilliseconds:0.0} ms, under their line time of {lineTime.TotalMilliseconds:0.0} ms");
        var window = server.Activity.Window;
        Assert.NotNull(window);
        // The first answer starts only once the first SYNC (46 bytes) has crossed to the chip.
        var windowFloor = PacedSerialLine.LineTime(answered + 46, Baud);
        Assert.True(window >= windowFloor, $"activity window {window.Value.TotalMilliseconds:0.0} ms, under {windowFloor.TotalMilliseconds:0.0} ms");
        Assert.True(window <= elapsed, $"activity window {window.Value.TotalMilliseconds:0.0} ms is longer than the {elapsed.TotalMilliseconds:0.0} ms the client waited");
    }

    [Fact]
    public void A_line_delivers_in_order_and_never_before_the_bytes_have_crossed()
    {
        var deliveries = new List<(LineDelivery Delivery, long At)>();
        var sent = new List<byte>();
        long firstSend;
        using (var line = new PacedSerialLine("test line", () => Baud, d => { lock (deliveries) { deliveries.Add((d, LineClock.Now)); } }))
        {
            firstSend = LineClock.Now;
            for (int i = 0; i < 5; i++)
            {
                var chunk = Enumerable.Range(0, 300).Select(b => (byte)(b + i)).ToArray();
                sent.AddRange(chunk);
                line.Send(chunk);
            }

            WaitFor(() => { lock (deliveries) { return deliveries.Sum(d => d.Delivery.Bytes.Length) == sent.Count; } }, () => 0);
        }

        Assert.Equal(sent, deliveries.SelectMany(d => d.Delivery.Bytes));
        long crossed = 0;
        foreach (var (delivery, at) in deliveries)
        {
            crossed += delivery.Bytes.Length;
            var floor = PacedSerialLine.LineTime(crossed, Baud);
            Assert.True(LineClock.Between(firstSend, at) >= floor, $"{crossed} bytes delivered {LineClock.Between(firstSend, at).TotalMilliseconds:0.00} ms after the first send, under their line time of {floor.TotalMilliseconds:0.00} ms");
            Assert.True(at >= delivery.EndedAt, "delivered before its last byte's stop bit");
        }
    }

    private static TcpClient Connect(RomRfc2217Server server)
    {
        var client = new TcpClient { NoDelay = true };
        client.Connect("127.0.0.1", server.Port);
        WaitFor(() => server.Connections == 1, () => 0);
        return client;
    }

    /// <summary>Polls until <paramref name="done"/> (at most 10 s), then returns <paramref name="value"/>.</summary>
    private static T WaitFor<T>(Func<bool> done, Func<T> value)
    {
        var limit = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(limit.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting");
            Thread.Sleep(1);
        }

        return value();
    }
}

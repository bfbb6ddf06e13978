using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.HostCommon.Boards;
using NodeSim.Board;
using NodeSim.RomBootloader;

namespace NodeSim.Tests.Board;

/// <summary>A provisioned whole board answers provisioning only in its boot's re-entry window, timed on the board's clock.</summary>
public sealed class BoardReentryWindowTests
{
    /// <summary>A clock that moves only when the test says.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    private readonly MemoryStream _console = new();
    private readonly ManualTime _time = new();
    private int _sequence;

    private SimulatedBoard ProvisionedBoard()
    {
        var board = new SimulatedBoard(bytes => { lock (_console) _console.Write(bytes); },
            new SimulatedBoardOptions { Rom = new SimulatedRomOptions { Time = _time }, FailedBootRestart = TimeSpan.Zero, ReentryWindowSlack = TimeSpan.Zero });
        var layout = BoardCatalog.Default().Load("esp32-devkitc-v4");
        var files = StandInImages.For(layout);
        foreach (var placement in layout.FlashLayout.Images) board.Flash.Load(placement.Offset, files[placement.File]);
        board.PowerOn(io0Low: false);

        var node = board.Firmware!;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = new CertificateRequest("CN=" + node.DeviceId, key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        node.Store.SaveStored(BundleCodec.Encode(new ProvisioningBundle
        {
            DeviceId = node.DeviceId, DeviceCertificate = cert.RawData, DevicePrivateKey = key.ExportPkcs8PrivateKey(),
            CaCertificate = cert.RawData, BrokerHost = "127.0.0.1", BrokerPort = 8883, WifiSsid = "bench",
            WifiPassphrase = "bench passphrase", ReleasePublicKey = new byte[32],
        }));
        node.Store.Commit();
        board.PowerOn(io0Low: false);
        Assert.Contains("identity ok: " + node.DeviceId, ConsoleText());
        return board;
    }

    private string ConsoleText()
    {
        lock (_console) return Encoding.Latin1.GetString(_console.ToArray());
    }

    /// <summary>Sends HELLO and returns the device's reply frame, or null when nothing came back.</summary>
    private Frame? Hello(SimulatedBoard board)
    {
        long before;
        lock (_console) before = _console.Length;
        board.Receive(FrameEncoder.Encode(MessageType.Hello, ++_sequence, []));
        byte[] reply;
        lock (_console) reply = _console.ToArray()[(int)before..];
        var decoder = new FrameDecoder();
        decoder.Feed(reply, 0, reply.Length);
        return decoder.Next()?.Frame;
    }

    [Fact]
    public void Hello_is_answered_while_the_window_is_open_and_each_answer_keeps_it_open()
    {
        using var board = ProvisionedBoard();
        Assert.Equal(MessageType.HelloReply, Hello(board)?.Type);
        _time.Advance(TimeSpan.FromMilliseconds(ReentryWindow.QuietMillis - 100));
        Assert.Equal(MessageType.HelloReply, Hello(board)?.Type);
        _time.Advance(TimeSpan.FromMilliseconds(ReentryWindow.QuietMillis - 100));
        Assert.Equal(MessageType.HelloReply, Hello(board)?.Type);
    }

    [Fact]
    public void After_a_quiet_window_the_board_runs_and_answers_nothing_until_the_next_reset()
    {
        using var board = ProvisionedBoard();
        _time.Advance(TimeSpan.FromMilliseconds(ReentryWindow.QuietMillis + 1));
        Assert.Null(Hello(board));
        Assert.True(board.Firmware!.RunningNode);

        board.PowerOn(io0Low: false);
        Assert.Equal(MessageType.HelloReply, Hello(board)?.Type);
    }
}

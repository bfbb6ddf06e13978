using NodeFirmware.HilTests.Pty;
using NodeFirmware.HilTests.Scenarios;
using NodeFirmware.HilTests.Serial;
using NodeFirmware.HilTests.Support;

namespace NodeFirmware.HilTests.Tests;

/// <summary>
/// The serial rig's code (System.IO.Ports, relays, nodectl's ROM client and provisioner) against the ROM-loader
/// simulator and the virtual node on a pseudo-terminal: the factory flow, end to end into the receiver's store.
/// </summary>
public sealed class SerialRigOverPtyTests
{
    [Fact]
    public async Task Factory_flow_through_a_serial_port_reaches_the_receiver()
    {
        await using var cloud = await LocalCloud.StartAsync();
        await using var board = new PtyBoardHost(cloud, index: 21);
        string passphraseFile = Path.Combine(cloud.Directory, "ca-passphrase");
        File.WriteAllText(passphraseFile, LocalCloud.CaPassphrase);
        string tokenFile = Path.Combine(cloud.Directory, "provisioner.token");
        File.WriteAllText(tokenFile, cloud.Token("provisioner"));
        var file = new RigFile
        {
            Port = board.SlavePath,
            Board = "firebeetle-esp32",
            ResetLines = "relay", // a pty has no DTR/RTS
            Relay = new RigFile.RelaySpec { Kind = "loopback:" + board.RelayName, Power = PtyBoardHost.PowerChannel, En = PtyBoardHost.EnChannel, Io0 = PtyBoardHost.Io0Channel },
            Broker = $"{cloud.BrokerHost}:{cloud.BrokerPort}",
            Pki = cloud.Pki.Root,
            CaPassphraseFile = passphraseFile,
            Receiver = cloud.ReceiverUrl.ToString(),
            ReceiverTokenFile = tokenFile,
            Store = "sqlite:" + cloud.Store.Path,
        };
        file.Validate("test");
        await using var rig = new SerialRig(file);
        await rig.PowerCycleAsync();

        // Real time on this rig: the board's node runs 600× faster, so the 10-minute bound is one second.
        var wait = TimeSpan.FromSeconds(FactoryFlow.FirstTelemetryBound.TotalSeconds / PtyBoardHost.TimeScale + 1);
        string id = await FactoryFlow.RunAsync(rig, storeTimeout: TimeSpan.FromSeconds(30), wait: wait);
        Assert.Equal(board.Board.DeviceId, id);
        Assert.Contains(rig.ConsoleLines, l => l.Contains("wake:") || l.Contains("node running"));
    }

    [Fact]
    public void Rig_file_with_problems_is_refused_naming_them()
    {
        var e = Assert.Throws<InvalidDataException>(() => new RigFile { Port = "/dev/ttyUSB0", ResetLines = "magic" }.Validate("rig.json"));
        Assert.Contains("\"board\" is missing", e.Message);
        Assert.Contains("resetLines", e.Message);
        Assert.Contains("relay.power", e.Message);
    }
}

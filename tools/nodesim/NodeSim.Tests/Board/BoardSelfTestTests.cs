using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.HostCommon.Boards;
using NodeSim.Board;
using NodeSim.Cli;

namespace NodeSim.Tests.Board;

/// <summary>
/// The simulated board's answer to SELF_TEST: Core's self-test on the board's own I2C bus (a register-level BME280, a
/// part with another chip id, or none) and on the scratch sector of its config partition in the SPI flash.
/// </summary>
public sealed class BoardSelfTestTests
{
    private const int ConfigOffset = 0x260000; // the project's 4 MB table (boards/esp32-devkitc-v4.json)

    private static SimulatedBoard Booted(int? chipId)
    {
        var board = new SimulatedBoard(_ => { }, new SimulatedBoardOptions { SensorChipId = chipId });
        var layout = BoardCatalog.Default().Load("esp32-devkitc-v4");
        var files = StandInImages.For(layout);
        foreach (var placement in layout.FlashLayout.Images) board.Flash.Load(placement.Offset, files[placement.File]);
        board.PowerOn(io0Low: false);
        Assert.NotNull(board.Firmware);
        return board;
    }

    /// <summary>SELF_TEST on the board's firmware; the checks as (name, ok, detail) and the verdict.</summary>
    private static (bool Pass, List<(string Name, bool Ok, string Detail)> Checks) SelfTest(SimulatedBoard board)
    {
        byte[] reply = board.Firmware!.Receive(FrameEncoder.Encode(MessageType.SelfTest, 7, []));
        var decoder = new FrameDecoder(ProvisioningProtocol.AbsoluteMaxPayload);
        decoder.Feed(reply, 0, reply.Length);
        var frame = decoder.Next()!.Frame;
        Assert.Equal(MessageType.SelfTestResult, frame.Type);
        var r = new CborReader(frame.Payload);
        bool pass = false;
        var checks = new List<(string, bool, string)>();
        for (int pairs = r.ReadStartMap(), p = 0; p < pairs; p++)
        {
            if (r.ReadText() == "pass") { pass = r.ReadBoolean(); continue; }
            for (int n = r.ReadStartArray(), i = 0; i < n; i++)
            {
                r.ReadStartMap();
                r.ReadText(); string name = r.ReadText();
                r.ReadText(); bool ok = r.ReadBoolean();
                r.ReadText(); string detail = r.ReadText();
                checks.Add((name, ok, detail));
            }
        }
        return (pass, checks);
    }

    [Fact]
    public void A_board_with_its_BME280_passes_sensor_and_storage_and_the_scratch_sector_is_erased_afterwards()
    {
        using var board = Booted(0x60);
        var before = board.Flash.Read(ConfigOffset, 6 * 4096).ToArray();

        var (pass, checks) = SelfTest(board);

        Assert.False(pass); // nothing is committed yet
        Assert.Equal(("sensor", true, "BME280, chip id 0x60"), checks[0]);
        Assert.Equal(("storage", true, "256 bytes written, read back and erased"), checks[1]);
        Assert.Equal(("identity", false, "no committed identity (empty)"), checks[2]);
        Assert.All(board.Flash.Read(ConfigOffset + (ConfigPartition.SelfTestSector * 4096), 4096).ToArray(), b => Assert.Equal(0xFF, b));
        Assert.Equal(before, board.Flash.Read(ConfigOffset, 6 * 4096).ToArray()); // identity, boot state and OTA cursor untouched
    }

    [Theory]
    [InlineData(0x58, "chip id 0x58, expected 0x60 (BME280); 0x58 is a BMP280, which has no humidity")]
    [InlineData(null, "no sensor answers: no acknowledge at I2C address 0x76")]
    public void A_board_with_the_wrong_part_or_none_fails_the_sensor_check(int? chipId, string detail)
    {
        using var board = Booted(chipId);
        var (pass, checks) = SelfTest(board);
        Assert.False(pass);
        Assert.Equal(("sensor", false, detail), checks[0]);
        Assert.True(checks[1].Ok);
    }

    [Fact]
    public void The_board_command_takes_the_part_on_the_bus_and_refuses_an_unknown_one()
    {
        RomServeOptions Parse(params string[] extra) => RomServeOptions.Parse(["--rfc2217", "127.0.0.1:0", .. extra], board: true);
        Assert.Equal(0x60, Parse().SensorChipId);
        Assert.Equal(0x60, Parse("--sensor", "bme280").SensorChipId);
        Assert.Equal(0x58, Parse("--sensor", "bmp280").SensorChipId);
        Assert.Null(Parse("--sensor", "none").SensorChipId);
        Assert.Contains("--sensor bme680 is unknown", Assert.Throws<ArgumentException>(() => Parse("--sensor", "bme680")).Message);
        Assert.Contains("unknown option --sensor", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--sensor", "none"])).Message);
    }
}

using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>A misbehaving serial peer must give a clear exception and never a reported success.</summary>
public class HostileRomTests
{
    private static readonly FlashImage Image = new(0x10000, MakeImage(12_000), "app.bin");

    private static byte[] MakeImage(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    private static byte DataCommand(bool compress) => compress ? RomWire.FLASH_DEFL_DATA : RomWire.FLASH_DATA;

    public static TheoryData<RomFault, bool> PersistentFaults()
    {
        var data = new TheoryData<RomFault, bool>();
        foreach (var fault in new[] { RomFault.DropResponseByte, RomFault.CorruptResponseFrame, RomFault.CorruptRequest, RomFault.Stall, RomFault.ReplyGarbage })
        {
            data.Add(fault, false);
            data.Add(fault, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PersistentFaults))]
    public void Persistent_fault_on_data_blocks_fails_with_a_clear_error(RomFault fault, bool compress)
    {
        using var rig = new RomRig().Ready();
        rig.Sim.Fault = new RomFaultPlan(fault, DataCommand(compress), Skip: 2, Count: int.MaxValue);

        var e = Assert.ThrowsAny<FlashingException>(() => rig.Client.WriteFlash(new[] { Image }, compress, verify: true));

        Assert.Matches(@"_DATA block 3/1[23] \(seq 2\) of app\.bin", e.Message);
        Assert.Contains("after 3 attempts", e.Message);
        string expected = fault switch
        {
            RomFault.Stall => "sent nothing",
            RomFault.ReplyGarbage => "outside a SLIP frame",
            RomFault.CorruptResponseFrame => "invalid SLIP escape",
            RomFault.CorruptRequest => "invalid CRC",
            RomFault.DropResponseByte => "received instead",
            _ => throw new InvalidOperationException(),
        };
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(RomFault.DropResponseByte)]
    [InlineData(RomFault.CorruptResponseFrame)]
    [InlineData(RomFault.CorruptRequest)]
    [InlineData(RomFault.Stall)]
    [InlineData(RomFault.ReplyGarbage)]
    public void One_off_fault_is_retried_and_the_flash_is_right(RomFault fault)
    {
        foreach (bool compress in new[] { false, true })
        {
            using var rig = new RomRig().Ready();
            rig.Sim.Fault = new RomFaultPlan(fault, DataCommand(compress), Skip: 3, Count: 1);

            rig.Client.WriteFlash(new[] { Image }, compress, verify: true);

            Assert.Equal(1, rig.Sim.Fault.Count);
            Assert.True(rig.Sim.Flash.Read(Image.Offset, Image.Data.Length).SequenceEqual(Image.Data));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reset_mid_transfer_is_named_as_a_reset(bool compress)
    {
        using var rig = new RomRig().Ready();
        rig.Sim.Fault = new RomFaultPlan(RomFault.ResetMidTransfer, DataCommand(compress), Skip: 4);

        var e = Assert.Throws<RomProtocolException>(() => rig.Client.WriteFlash(new[] { Image }, compress, verify: true));

        Assert.Contains("reset during the transfer", e.Message);
        Assert.Contains("SPI_FAST_FLASH_BOOT", e.Message);
        Assert.False(rig.Client.Connected);
        Assert.Equal(RomChipState.RunningApplication, rig.Sim.State);
    }

    [Fact]
    public void Corruption_the_checksum_misses_is_caught_by_md5_verification()
    {
        using var rig = new RomRig().Ready();
        rig.Sim.Fault = new RomFaultPlan(RomFault.CorruptRequestPassingChecksum, RomWire.FLASH_DATA, Skip: 1);

        var e = Assert.Throws<FlashVerificationException>(() => rig.Client.WriteFlash(new[] { Image }, compress: false, verify: true));

        Assert.Contains("app.bin at 0x10000", e.Message);
    }

    [Fact]
    public void Corrupt_md5_answer_is_retried_then_fails_clearly()
    {
        using var rig = new RomRig().Ready();
        rig.Sim.Fault = new RomFaultPlan(RomFault.CorruptResponseFrame, RomWire.SPI_FLASH_MD5, Count: int.MaxValue);

        var e = Assert.ThrowsAny<FlashingException>(() => rig.Client.WriteFlash(new[] { Image }, compress: true, verify: true));

        Assert.Contains("SPI_FLASH_MD5", e.Message);
    }

    [Fact]
    public void Garbage_instead_of_a_register_value_times_out_with_what_arrived()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        rig.Sim.Fault = new RomFaultPlan(RomFault.ReplyGarbage, RomWire.READ_REG, Count: int.MaxValue);

        var e = Assert.Throws<RomTimeoutException>(() => rig.Client.ReadMac());

        Assert.Contains("READ_REG at 0x3FF5A004", e.Message);
        Assert.Contains("outside a SLIP frame", e.Message);
    }

    [Fact]
    public void Host_at_a_different_baud_rate_than_the_chip_gets_a_clear_error()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        rig.Link.SetBaudRate(460800); // the chip was never told

        var e = Assert.Throws<RomTimeoutException>(() => rig.Client.DetectChip());

        Assert.Contains("READ_REG", e.Message);
    }
}

using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>The simulated ROM answers protocol violations with the ROM's error status, which the client names.</summary>
public class RomErrorStatusTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    private static RomCommandFailedException Fails(RomRig rig, RomCommand command, byte[] data, uint checksum = 0) =>
        Assert.Throws<RomCommandFailedException>(() => rig.Client.Channel.Execute(command, data, checksum, Timeout));

    private static void Begin(RomRig rig, RomCommand begin, uint size, uint blocks, uint blockSize, uint offset) =>
        rig.Client.Channel.Execute(begin, RomProtocol.Words(size, blocks, blockSize, offset), 0, Timeout);

    private static void Data(RomRig rig, RomCommand command, byte[] block, uint seq) =>
        rig.Client.Channel.Execute(command, RomProtocol.DataCommand(block, seq), RomProtocol.Checksum(block), Timeout);

    [Fact]
    public void Wrong_sequence_number_is_an_invalid_message()
    {
        using var rig = new RomRig().Ready();
        Begin(rig, RomCommand.FLASH_BEGIN, 0x1000, 4, 0x400, 0x10000);
        var block = Enumerable.Repeat((byte)0xA5, 0x400).ToArray();
        Data(rig, RomCommand.FLASH_DATA, block, 0);

        var skipped = Fails(rig, RomCommand.FLASH_DATA, RomProtocol.DataCommand(block, 2), RomProtocol.Checksum(block));
        Assert.Equal(RomErrorCode.InvalidMessage, skipped.Error);
        Assert.Contains("0x05", skipped.Message);

        var back = Fails(rig, RomCommand.FLASH_DATA, RomProtocol.DataCommand(new byte[0x400], 0), RomProtocol.Checksum(new byte[0x400]));
        Assert.Equal(RomErrorCode.InvalidMessage, back.Error);

        Data(rig, RomCommand.FLASH_DATA, block, 1); // the right one still goes through
        Assert.True(rig.Sim.Flash.Read(0x10400, 0x400).SequenceEqual(block));
    }

    [Fact]
    public void Bad_checksum_is_an_invalid_crc_and_nothing_is_written()
    {
        using var rig = new RomRig().Ready();
        Begin(rig, RomCommand.FLASH_BEGIN, 0x400, 1, 0x400, 0x20000);
        var block = Enumerable.Repeat((byte)0x12, 0x400).ToArray();

        var e = Fails(rig, RomCommand.FLASH_DATA, RomProtocol.DataCommand(block, 0), (uint)(RomProtocol.Checksum(block) ^ 1));

        Assert.Equal(RomErrorCode.InvalidCrc, e.Error);
        Assert.True(rig.Sim.Flash.Read(0x20000, 0x400).IndexOfAnyExcept((byte)0xFF) < 0);
    }

    [Fact]
    public void Data_without_begin_and_flash_without_attach_fail_to_act()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        var block = new byte[0x400];
        Assert.Equal(RomErrorCode.FailedToAct, Fails(rig, RomCommand.FLASH_DATA, RomProtocol.DataCommand(block, 0), RomProtocol.Checksum(block)).Error);
        Assert.Equal(RomErrorCode.FailedToAct, Fails(rig, RomCommand.FLASH_BEGIN, RomProtocol.Words(0x1000, 1, 0x400, 0)).Error);
    }

    [Fact]
    public void Stub_style_spi_attach_is_refused_by_the_rom()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        Assert.Equal(RomErrorCode.InvalidMessage, Fails(rig, RomCommand.SPI_ATTACH, RomProtocol.Words(0)).Error);
    }

    [Fact]
    public void Garbage_deflate_data_is_a_deflate_error()
    {
        using var rig = new RomRig().Ready();
        Begin(rig, RomCommand.FLASH_DEFL_BEGIN, 0x1000, 1, 0x400, 0x30000);
        var garbage = Enumerable.Range(0, 100).Select(i => (byte)(i * 37)).ToArray();

        var e = Fails(rig, RomCommand.FLASH_DEFL_DATA, RomProtocol.DataCommand(garbage, 0), RomProtocol.Checksum(garbage));

        Assert.Equal(RomErrorCode.DeflateError, e.Error);
        Assert.Contains("deflate error", e.Message);
    }

    [Fact]
    public void Writing_over_unerased_flash_is_a_flash_write_error()
    {
        using var rig = new RomRig().Ready();
        rig.Sim.Flash.Load(0x41000, new byte[0x400]); // zeros in the sector after the one FLASH_BEGIN erases
        Begin(rig, RomCommand.FLASH_BEGIN, 0x400, 5, 0x400, 0x40000);
        var data = Enumerable.Repeat((byte)0x5A, 0x400).ToArray();
        for (uint seq = 0; seq < 4; seq++)
        {
            Data(rig, RomCommand.FLASH_DATA, data, seq);
        }

        var e = Fails(rig, RomCommand.FLASH_DATA, RomProtocol.DataCommand(data, 4), RomProtocol.Checksum(data));
        Assert.Equal(RomErrorCode.FlashWriteError, e.Error);
    }

    [Fact]
    public void Unknown_command_is_an_invalid_message()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        var e = Assert.Throws<RomCommandFailedException>(() => rig.Client.Channel.Execute((RomCommand)0xD0, Array.Empty<byte>(), 0, Timeout));
        Assert.Equal(RomErrorCode.InvalidMessage, e.Error);
    }

    [Fact]
    public void Mem_download_checks_checksum_and_stores_bytes()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        rig.Client.Channel.Execute(RomCommand.MEM_BEGIN, RomProtocol.Words(8, 1, 0x1800, 0x3FFB0000), 0, Timeout);
        var code = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        Assert.Equal(RomErrorCode.InvalidCrc, Fails(rig, RomCommand.MEM_DATA, RomProtocol.DataCommand(code, 0), 0).Error);
        rig.Client.Channel.Execute(RomCommand.MEM_DATA, RomProtocol.DataCommand(code, 0), RomProtocol.Checksum(code), Timeout);
        Assert.Equal((byte)5, rig.Sim.ReadRam(0x3FFB0004));
    }
}

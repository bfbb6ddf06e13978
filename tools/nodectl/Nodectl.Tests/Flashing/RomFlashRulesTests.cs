using System.IO.Compression;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// The simulated ROM loader applies the ESP32 ROM's flash rules (see FlashDownload's remarks) and answers what breaks
/// them with the ROM's status bytes, erasing and programming nothing it should not. Driven command by command.
/// </summary>
public class RomFlashRulesTests
{
    private const int SmallFlash = 512 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    private static RomRig ReadyRig(uint chipSize = SmallFlash)
    {
        var rig = new RomRig(new SimulatedRomOptions { FlashSize = SmallFlash }).Ready();
        rig.Client.SetFlashParameters(chipSize);
        return rig;
    }

    private static byte[] Filled(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes.AsSpan().Replace((byte)0xFF, (byte)0x7E); // nothing in it reads as erased
        return bytes;
    }

    private static void Execute(RomRig rig, RomCommand command, byte[] data, uint checksum = 0) =>
        rig.Client.Channel.Execute(command, data, checksum, Timeout);

    private static RomCommandFailedException Fails(RomRig rig, RomCommand command, byte[] data, uint checksum = 0) =>
        Assert.Throws<RomCommandFailedException>(() => rig.Client.Channel.Execute(command, data, checksum, Timeout));

    private static byte[] Begin(uint eraseSize, uint packets, uint packetSize, uint offset) =>
        RomProtocol.Words(eraseSize, packets, packetSize, offset);

    private static (byte[] Data, uint Checksum) Packet(byte[] block, uint seq) =>
        (RomProtocol.DataCommand(block, seq), RomProtocol.Checksum(block));

    private static byte[] Zlib(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var z = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(data);
        }

        return buffer.ToArray();
    }

    [Theory]
    [InlineData(RomCommand.FLASH_BEGIN)]
    [InlineData(RomCommand.FLASH_DEFL_BEGIN)]
    public void A_start_off_a_sector_boundary_fails_to_act_and_erases_nothing(RomCommand begin)
    {
        using var rig = ReadyRig();
        var before = Filled(SmallFlash, 1);
        rig.Sim.Flash.Load(0, before);

        var e = Fails(rig, begin, Begin(0x100, 1, 0x400, 0x1800));

        Assert.Equal(RomErrorCode.FailedToAct, e.Error);
        Assert.Empty(rig.Sim.Flash.ErasedSectors);
        Assert.True(rig.Sim.Flash.Contents.SequenceEqual(before));
    }

    [Theory]
    [InlineData(RomCommand.FLASH_BEGIN)]
    [InlineData(RomCommand.FLASH_DEFL_BEGIN)]
    public void An_erase_past_the_chip_size_of_spi_set_params_fails_to_act_and_erases_nothing(RomCommand begin)
    {
        const uint chipSize = 256 * 1024; // SPI_SET_PARAMS says 256 KB, the part holds 512 KB: the ROM goes by the former
        using var rig = ReadyRig(chipSize);
        var before = Filled(SmallFlash, 2);
        rig.Sim.Flash.Load(0, before);

        var e = Fails(rig, begin, Begin(0x1001, 2, 0x1000, chipSize - 0x1000));

        Assert.Equal(RomErrorCode.FailedToAct, e.Error);
        Assert.Empty(rig.Sim.Flash.ErasedSectors);
        Assert.True(rig.Sim.Flash.Contents.SequenceEqual(before));

        Execute(rig, begin, Begin(0x1000, 1, 0x1000, chipSize - 0x1000)); // up to the last byte is fine
        Assert.Equal(new[] { new ErasedSector(chipSize - 0x1000, (byte)begin) }, rig.Sim.Flash.ErasedSectors);
    }

    [Theory]
    [InlineData(0u, new int[0])]
    [InlineData(1u, new[] { 0x20000 })]
    [InlineData(0x1000u, new[] { 0x20000 })]
    [InlineData(0x1001u, new[] { 0x20000, 0x21000 })]
    [InlineData(0x11000u, new[] { 0x20000, 0x21000, 0x22000, 0x23000, 0x24000, 0x25000, 0x26000, 0x27000, 0x28000, 0x29000, 0x2A000, 0x2B000, 0x2C000, 0x2D000, 0x2E000, 0x2F000, 0x30000 })]
    public void Begin_erases_exactly_the_sectors_covering_the_erase_size(uint eraseSize, int[] sectors)
    {
        using var rig = ReadyRig();
        var before = Filled(SmallFlash, 3);
        rig.Sim.Flash.Load(0, before);

        Execute(rig, RomCommand.FLASH_BEGIN, Begin(eraseSize, 0, 0x400, 0x20000)); // 0 packets: how a ROM host erases a region

        Assert.Equal(sectors.Select(s => new ErasedSector(s, RomWire.FLASH_BEGIN)), rig.Sim.Flash.ErasedSectors);
        var after = rig.Sim.Flash.Contents;
        long end = 0x20000 + (sectors.Length * 0x1000L);
        Assert.True(after[..0x20000].SequenceEqual(before.AsSpan(0, 0x20000)));
        Assert.True(after[0x20000..(int)end].IndexOfAnyExcept((byte)0xFF) < 0);
        Assert.True(after[(int)end..].SequenceEqual(before.AsSpan((int)end)));
    }

    [Fact]
    public void A_plain_packet_is_programmed_whole_and_its_padding_over_unerased_flash_is_a_flash_write_error()
    {
        using var rig = ReadyRig();
        var before = Filled(SmallFlash, 4);
        rig.Sim.Flash.Load(0, before);
        // 0x1400 bytes announced in 0x2000 packets: the ROM erases two sectors, the padded packet spans them exactly...
        Execute(rig, RomCommand.FLASH_BEGIN, Begin(0x1400, 1, 0x2000, 0x30000));
        var block = Enumerable.Repeat((byte)0xFF, 0x2000).ToArray();
        Enumerable.Repeat((byte)0x42, 0x1400).ToArray().CopyTo(block, 0);
        var (data, checksum) = Packet(block, 0);
        Execute(rig, RomCommand.FLASH_DATA, data, checksum);
        Assert.Equal(new[] { new ProgrammedRange(0x30000, 0x2000, RomWire.FLASH_DATA) }, rig.Sim.Flash.ProgrammedRanges);

        // ...but in 0x4000 packets the padding reaches two sectors that were not erased and still hold data.
        Execute(rig, RomCommand.FLASH_BEGIN, Begin(0x1400, 1, 0x4000, 0x40000));
        block = Enumerable.Repeat((byte)0xFF, 0x4000).ToArray();
        (data, checksum) = Packet(block, 0);
        var e = Fails(rig, RomCommand.FLASH_DATA, data, checksum);

        Assert.Equal(RomErrorCode.FlashWriteError, e.Error);
        Assert.Equal(new ProgrammedRange(0x40000, 0x4000, RomWire.FLASH_DATA), rig.Sim.Flash.ProgrammedRanges[^1]);
        Assert.True(rig.Sim.Flash.Read(0x42000, 0x2000).SequenceEqual(before.AsSpan(0x42000, 0x2000)), "0xFF programmed over data leaves the data");
    }

    [Fact]
    public void A_plain_packet_that_would_pass_the_chip_size_fails_to_act_and_writes_nothing()
    {
        using var rig = ReadyRig();
        Execute(rig, RomCommand.FLASH_BEGIN, Begin(0x1000, 1, 0x4000, SmallFlash - 0x1000));
        var block = Enumerable.Repeat((byte)0x11, 0x4000).ToArray();
        var (data, checksum) = Packet(block, 0);

        var e = Fails(rig, RomCommand.FLASH_DATA, data, checksum);

        Assert.Equal(RomErrorCode.FailedToAct, e.Error);
        Assert.Empty(rig.Sim.Flash.ProgrammedRanges);
        Assert.True(rig.Sim.Flash.Read(SmallFlash - 0x1000, 0x1000).IndexOfAnyExcept((byte)0xFF) < 0);
    }

    [Fact]
    public void Inflating_past_the_chip_size_fails_to_act()
    {
        using var rig = ReadyRig();
        Execute(rig, RomCommand.FLASH_DEFL_BEGIN, Begin(0x1000, 1, 0x4000, SmallFlash - 0x1000));
        var compressed = Zlib(Enumerable.Repeat((byte)0x33, 0x2000).ToArray());
        var (data, checksum) = Packet(compressed, 0);

        var e = Fails(rig, RomCommand.FLASH_DEFL_DATA, data, checksum);

        Assert.Equal(RomErrorCode.FailedToAct, e.Error);
        Assert.All(rig.Sim.Flash.ProgrammedRanges, r => Assert.True(r.End <= SmallFlash));
    }

    [Fact]
    public void Inflating_past_the_erased_sectors_writes_over_unerased_flash_and_fails_its_read_back()
    {
        using var rig = ReadyRig();
        var before = Filled(SmallFlash, 5);
        rig.Sim.Flash.Load(0, before);
        Execute(rig, RomCommand.FLASH_DEFL_BEGIN, Begin(0x400, 1, 0x4000, 0x30000));
        var compressed = Zlib(Enumerable.Repeat((byte)0xFF, 0x2000).ToArray()); // 0xFF reads back as itself only where erased
        var (data, checksum) = Packet(compressed, 0);

        var e = Fails(rig, RomCommand.FLASH_DEFL_DATA, data, checksum);

        Assert.Equal(RomErrorCode.FlashWriteError, e.Error);
        Assert.Equal(new[] { new ErasedSector(0x30000, RomWire.FLASH_DEFL_BEGIN) }, rig.Sim.Flash.ErasedSectors);
        Assert.All(rig.Sim.Flash.ProgrammedRanges, r => Assert.Equal(RomWire.FLASH_DEFL_DATA, r.Command));
    }

    [Theory]
    [InlineData(0xD0)] // ERASE_FLASH
    [InlineData(0xD1)] // ERASE_REGION
    [InlineData(0xD2)] // READ_FLASH
    public void Stub_only_flash_commands_are_an_invalid_message_for_the_rom(byte opcode)
    {
        using var rig = ReadyRig();
        var before = Filled(SmallFlash, 6);
        rig.Sim.Flash.Load(0, before);

        var e = Fails(rig, (RomCommand)opcode, RomProtocol.Words(0x10000, 0x1000, 0x1000, 64));

        Assert.Equal(RomErrorCode.InvalidMessage, e.Error);
        Assert.Empty(rig.Sim.Flash.ErasedSectors);
        Assert.True(rig.Sim.Flash.Contents.SequenceEqual(before));
    }
}

using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>Chip-side behaviour of the simulator that the flashing tests rely on.</summary>
public class SimulatedRomBehaviourTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    [Fact]
    public void Broken_request_frame_is_dropped_and_the_next_one_answered()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        rig.Client.Channel.Flush();
        rig.Link.Write(new byte[] { 0xC0, 0x00, 0x0A, 0xDB, 0x99, 0x00, 0xC0 }); // invalid escape inside a frame
        rig.Link.Write(new byte[] { 0x13, 0x37 });                               // noise between frames
        rig.Client.Channel.Send(RomCommand.READ_REG, RomProtocol.Words(0x40001000));

        var response = rig.Client.Channel.Await(RomCommand.READ_REG, Timeout);

        Assert.Equal(0x00F01D83u, response.Value);
        Assert.Equal(1, rig.Sim.DroppedFrames);
    }

    [Theory]
    [InlineData(RomCommand.FLASH_END, 1u, RomChipState.RunningApplication)]
    [InlineData(RomCommand.FLASH_END, 0u, RomChipState.RunningApplication)]
    [InlineData(RomCommand.FLASH_DEFL_END, 1u, RomChipState.RunningApplication)]
    public void End_commands_leave_the_loader_after_answering(RomCommand end, uint flag, RomChipState after)
    {
        using var rig = new RomRig().Ready();
        rig.Client.Channel.Execute(end, RomProtocol.Words(flag), 0, Timeout);

        Assert.Equal(after, rig.Sim.State);
        Assert.Throws<RomTimeoutException>(() => rig.Client.Channel.Execute(RomCommand.READ_REG, RomProtocol.Words(0x40001000), 0, Timeout));
    }

    [Fact]
    public void Mem_end_with_an_entry_point_runs_code_the_simulator_cannot_and_goes_silent()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        rig.Client.Channel.Execute(RomCommand.MEM_END, RomProtocol.Words(0, 0x40080000), 0, Timeout);
        Assert.Equal(RomChipState.RunningRamCode, rig.Sim.State);
    }

    [Fact]
    public void Power_on_with_boot_held_enters_download_mode_without_control_lines()
    {
        using var rig = new RomRig(wireControlLines: false);
        rig.Sim.PowerOn(io0Low: true);
        rig.Client.Channel.Send(RomCommand.SYNC, RomProtocol.SyncPayload());
        var sync = rig.Client.Channel.Await(RomCommand.SYNC, Timeout);
        Assert.NotEqual(0u, sync.Value);
        Assert.Equal(RomChipState.Synced, rig.Sim.State);
    }

    [Fact]
    public void Flash_erase_is_by_whole_sectors_and_programming_only_clears_bits()
    {
        var flash = new SimulatedSpiFlash(64 * 1024);
        flash.Load(0, Enumerable.Repeat((byte)0x00, 0x3000).ToArray());
        flash.EraseSector(0x1000, RomWire.FLASH_BEGIN);
        Assert.True(flash.Read(0x1000, 0x1000).IndexOfAnyExcept((byte)0xFF) < 0);
        Assert.Equal(0x00, flash.Read(0xFFF, 1)[0]);
        Assert.Equal(0x00, flash.Read(0x2000, 1)[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => flash.EraseSector(0x1800, RomWire.FLASH_BEGIN));

        Assert.True(flash.Program(0x1000, new byte[] { 0xF0 }, RomWire.FLASH_DATA));
        Assert.False(flash.Program(0x1000, new byte[] { 0x0F }, RomWire.FLASH_DATA)); // 0xF0 & 0x0F = 0x00, not 0x0F
        Assert.Equal(0x00, flash.Read(0x1000, 1)[0]);

        Assert.Equal(new[] { new ErasedSector(0x1000, RomWire.FLASH_BEGIN) }, flash.ErasedSectors);
        Assert.Equal(
            new[] { new ProgrammedRange(0x1000, 1, RomWire.FLASH_DATA), new ProgrammedRange(0x1000, 1, RomWire.FLASH_DATA) },
            flash.ProgrammedRanges);
    }
}

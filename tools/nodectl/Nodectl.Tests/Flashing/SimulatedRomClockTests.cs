using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>
/// The simulated chip's timing and clocks where esptool exposed the old simulator: EN's RC delay between the
/// DTR/RTS steps of a reset, the UART rate the ROM derives from its calibrated crystal, READ_REG of loaded RAM.
/// </summary>
public class SimulatedRomClockTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RcDelay = new SimulatedRomOptions().EnRcDelay;

    [Fact]
    public void Classic_reset_passing_through_both_lines_asserted_enters_download_mode()
    {
        using var rig = new RomRig();

        // esptool's ClassicReset: EN low, then DTR raised (DTR=RTS=1: nothing pulled) and RTS dropped as two steps.
        rig.Link.SetSignals(dtr: false, rts: true);
        rig.Clock.Advance(TimeSpan.FromMilliseconds(100));
        rig.Link.SetSignals(dtr: true, rts: true);
        rig.Link.SetSignals(dtr: true, rts: false);
        rig.Clock.Advance(TimeSpan.FromMilliseconds(50));
        rig.Link.SetSignals(dtr: false, rts: false);

        Assert.Equal(RomChipState.DownloadMode, rig.Sim.State);
        Assert.Contains("waiting for download", rig.Client.Channel.CollectBootOutput(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void Both_lines_asserted_for_longer_than_the_rc_delay_boots_from_flash()
    {
        using var rig = new RomRig();

        rig.Link.SetSignals(dtr: false, rts: true);
        rig.Clock.Advance(TimeSpan.FromMilliseconds(100));
        rig.Link.SetSignals(dtr: true, rts: true);
        rig.Clock.Advance(RcDelay + TimeSpan.FromMilliseconds(1));
        rig.Link.SetSignals(dtr: true, rts: false);

        Assert.Equal(RomChipState.RunningApplication, rig.Sim.State);
        Assert.Contains("SPI_FAST_FLASH_BOOT", rig.Client.Channel.CollectBootOutput(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void The_boot_message_comes_when_en_has_risen_even_if_the_host_does_nothing_more()
    {
        using var rig = new RomRig();
        rig.Link.SetSignals(dtr: false, rts: true);
        rig.Link.SetSignals(dtr: false, rts: false);

        Assert.Equal(RomChipState.EnRising, rig.Sim.State);
        Assert.Equal(0, rig.Link.BytesFromPeer);

        rig.Clock.Advance(RcDelay);

        Assert.Equal(RomChipState.RunningApplication, rig.Sim.State);
        Assert.Contains("rst:0x1 (POWERON_RESET)", rig.Client.Channel.CollectBootOutput(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void En_pulled_low_again_before_it_rises_cancels_the_boot()
    {
        using var rig = new RomRig();
        rig.Link.SetSignals(dtr: false, rts: true);
        rig.Link.SetSignals(dtr: false, rts: false);
        rig.Clock.Advance(RcDelay / 2);
        rig.Link.SetSignals(dtr: false, rts: true);
        rig.Clock.Advance(RcDelay * 2);

        Assert.Equal(RomChipState.HeldInReset, rig.Sim.State);
        Assert.Equal(0, rig.Sim.Boots);
    }

    [Fact]
    public void Clock_registers_read_what_the_rom_calibrated_and_the_divider_matches_the_rate()
    {
        var options = new SimulatedRomOptions();
        using var rig = new RomRig(options);
        rig.Client.Connect();

        uint cali = rig.Client.ReadReg(Esp32Registers.RTCCALICFG1);
        uint efuse4 = rig.Client.ReadReg(Esp32Registers.EFUSE_BLK0_RDATA4_REG);
        uint clkdiv = rig.Client.ReadReg(Esp32Registers.UART_CLKDIV_REG);

        Assert.NotEqual(0u, (cali >> 7) & 0x1FFFFFF);
        Assert.NotEqual(0u, efuse4 & 0xFF);
        Assert.InRange(Esp32RomBaudRate.RomCrystalHz(cali, efuse4), options.RomCrystalEstimateHz * 0.999, options.RomCrystalEstimateHz * 1.001);
        // esptool's get_crystal_freq: host rate times the integer divider is the 40 MHz APB clock.
        Assert.InRange(RomProtocol.ESP_ROM_BAUD * (clkdiv & 0xFFFFF) / 1e6, 39.5, 40.5);
    }

    [Fact]
    public void Uncompensated_change_baudrate_runs_the_chip_off_by_the_roms_crystal_error()
    {
        using var rig = new RomRig();
        rig.Client.Connect();

        rig.Client.Channel.Execute(RomCommand.CHANGE_BAUDRATE, RomProtocol.Words(921600, 0), 0, Timeout);

        double expected = 921600 * 40e6 / new Esp32RomClock(new SimulatedRomOptions().RomCrystalEstimateHz, 80).RomFrequencyHz;
        Assert.InRange(rig.Sim.ChipBaudRate, expected * 0.999, expected * 1.001);
        uint clkdiv = rig.Sim.Registers.Read(Esp32RegisterFile.UART_CLKDIV_REG);
        Assert.Equal(Esp32RomClock.BaudOf(Esp32RomClock.DividerX16FromRegister(clkdiv)), rig.Sim.ChipBaudRate);

        // 1.5 % off is within what two UARTs tolerate: a client that does not compensate (esptool-js) still gets through.
        rig.Link.SetBaudRate(921600);
        Assert.Equal(0x00F01D83u, rig.Client.ReadReg(0x40001000));
    }

    [Fact]
    public void Rates_more_than_two_and_a_half_percent_apart_pass_no_bytes()
    {
        using var rig = new RomRig(new SimulatedRomOptions { RomCrystalEstimateHz = 42_000_000 });
        rig.Client.Connect();

        rig.Client.Channel.Execute(RomCommand.CHANGE_BAUDRATE, RomProtocol.Words(921600, 0), 0, Timeout);
        rig.Link.SetBaudRate(921600);

        Assert.Throws<RomTimeoutException>(() => rig.Client.Channel.Execute(RomCommand.READ_REG, RomProtocol.Words(0x40001000), 0, Timeout));
    }

    [Fact]
    public void Read_reg_returns_ram_words_written_by_mem_data_little_endian_and_zero_elsewhere()
    {
        using var rig = new RomRig();
        rig.Client.Connect();
        var block = new byte[] { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
        rig.Client.Channel.Execute(RomCommand.MEM_BEGIN, RomProtocol.Words(8, 1, 8, 0x40080000), 0, Timeout);
        rig.Client.Channel.Execute(RomCommand.MEM_DATA, RomProtocol.DataCommand(block, 0), RomProtocol.Checksum(block), Timeout);

        Assert.Equal(0x04030201u, rig.Client.ReadReg(0x40080000));
        Assert.Equal(0x08070605u, rig.Client.ReadReg(0x40080004));
        Assert.Equal(0u, rig.Client.ReadReg(0x40080008));
        Assert.Equal(0u, rig.Client.ReadReg(0x3FFB0000));
    }
}

using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>nodectl asks the ROM for the rate scaled by the ROM's crystal estimate, as esptool does, so a drifting chip still lands on the rate wanted.</summary>
public class BaudRateCompensationTests
{
    [Theory]
    [InlineData(40_600_000.0)] // a typical board
    [InlineData(42_000_000.0)] // 5 % off: uncompensated, the two UARTs would no longer understand each other
    [InlineData(38_200_000.0)]
    public void Change_baudrate_lands_the_chip_on_the_rate_asked_for(double romCrystalHz)
    {
        using var rig = new RomRig(new SimulatedRomOptions { RomCrystalEstimateHz = romCrystalHz }).Ready();

        rig.Client.ChangeBaudRate(921600);
        var image = new FlashImage(0x10000, Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray(), "app.bin");
        rig.Client.WriteFlash(new[] { image }, compress: true, verify: true);

        Assert.InRange(rig.Sim.ChipBaudRate, 921600 * 0.995, 921600 * 1.005);
        Assert.Equal(image.Data, rig.Sim.Flash.Read(0x10000, image.Data.Length).ToArray());
    }

    [Fact]
    public void The_request_is_esptools_for_a_40_mhz_crystal_and_the_plain_rate_without_a_calibration()
    {
        // cali_val 1299, ck8m 80: rom_freq = 1299 * 15625 * 80 / 40 = 40 593 750 Hz; int(921600 * 40593750 // 40e6) = 935280.
        Assert.Equal(40_593_750.0, Esp32RomBaudRate.RomCrystalHz(1299u << 7, 80));
        Assert.Equal(935_280u, Esp32RomBaudRate.Request(921600, 40_593_750.0));
        Assert.Equal(921_600u, Esp32RomBaudRate.Request(921600, 0));
    }
}

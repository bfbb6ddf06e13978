using NodeSim.RomBootloader;

namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>esptool-js's connect and hard reset, seen from the chip's EN and IO0 on the DevKit auto-reset circuit.</summary>
public class EsptoolJsResetTests
{
    [NodeFact]
    public void Esptool_js_connects_twice_and_its_hard_reset_leaves_the_chip_in_the_loader_with_dtr_asserted()
    {
        using var board = new SimulatedBoard();

        var report = board.Run("hard-reset");

        // GET_SECURITY_INFO is not an ESP32 ROM command: esptool-js resets and syncs a second time to detect the chip.
        Assert.Equal(2, board.Sim.Boots);
        // after("hard_reset") only drops RTS, which was not asserted: EN is never pulsed, the chip stays in the
        // loader. And it re-sends DTR as it last set it to true during the classic reset, so IO0 is left held low.
        Assert.Equal(RomChipState.Synced, board.Sim.State);
        var lines = report.GetProperty("lines");
        Assert.True(lines.GetProperty("dtr").GetBoolean(), report.ToString());
        Assert.False(lines.GetProperty("rts").GetBoolean(), report.ToString());
    }
}

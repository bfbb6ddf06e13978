using System.Text;
using NodeFirmware.HostCommon.Partitions;
using NodeSim.RomBootloader;

namespace NodeSim.Board;

/// <summary>
/// What a reset with IO0 high makes of the flash, and the text the chip prints on the way.
/// <see cref="App"/> is set when the firmware runs; otherwise the chip restarts with <see cref="RestartCause"/>
/// after a while (a watchdog or the bootloader's own reset), or stays silent when it is null.
/// </summary>
public sealed record FlashBootOutcome(string Text, PartitionEntry? App, PartitionEntry? IdentityPartition, string? RestartCause);

/// <summary>
/// The ESP32's boot from flash, after the ROM's banner: the ROM loads the second-stage bootloader from 0x1000 (or
/// prints "invalid header: 0x…" with the first word it read, eight times, until the RTC watchdog resets it); the
/// bootloader reads the partition table at 0x8000 and starts the factory app (else the first OTA app) when its image
/// checks out (magic, checksum, SHA-256). The lines follow what an ESP32 with an ESP-IDF bootloader prints; the
/// timestamps are made up.
/// </summary>
public static class FlashBoot
{
    public const int BootloaderOffset = 0x1000;
    public const int BootloaderMaxBytes = 0x7000;
    public const int TableOffset = 0x8000;
    public const int InvalidHeaderLinesPerWatchdog = 8;
    public const string RtcWatchdogReset = "0x10 (RTCWDT_RTC_RESET)";
    public const string SoftwareReset = "0x3 (SW_RESET)";

    public static FlashBootOutcome Run(SimulatedSpiFlash flash)
    {
        var text = new StringBuilder();
        var bootloader = Esp32Image.Check(flash.Read(BootloaderOffset, BootloaderMaxBytes));
        if (flash.Read(BootloaderOffset, 1)[0] != Esp32Image.Magic)
        {
            for (int i = 0; i < InvalidHeaderLinesPerWatchdog; i++)
            {
                text.Append($"invalid header: 0x{bootloader.FirstWord:x8}\r\n");
            }

            return new FlashBootOutcome(text.ToString(), null, null, RtcWatchdogReset);
        }

        text.Append("configsip: 0, SPIWP:0xee\r\n");
        text.Append("clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00\r\n");
        text.Append($"mode:{bootloader.ModeName}, clock div:{bootloader.ClockDivider}\r\n");
        foreach (var (load, length) in bootloader.Segments)
        {
            text.Append($"load:0x{load:x8},len:{length}\r\n");
        }

        if (!bootloader.Valid)
        {
            return new FlashBootOutcome(text.ToString(), null, null, null); // the CPU jumps into a broken bootloader: silence
        }

        text.Append($"entry 0x{bootloader.Entry:x8}\r\n");
        text.Append("I (29) boot: ESP-IDF 2nd stage bootloader (simulated)\r\n");
        PartitionTable table;
        try
        {
            table = PartitionBinary.Read(flash.Read(TableOffset, PartitionBinary.TableLength));
        }
        catch (PartitionTableException e)
        {
            text.Append($"E (56) flash_parts: {e.Message}\r\n");
            text.Append("E (57) boot: Failed to verify partition table\r\n");
            text.Append("E (58) boot: load partition table error!\r\n");
            return new FlashBootOutcome(text.ToString(), null, null, SoftwareReset);
        }

        text.Append("I (55) boot: Partition Table:\r\n");
        text.Append("I (58) boot: ## Label            Usage          Type ST Offset   Length\r\n");
        int row = 0;
        foreach (var entry in table.Entries)
        {
            text.Append($"I ({65 + (7 * row)}) boot: {row,2} {entry.Name,-16} {Usage(entry),-16} {entry.Type:x2} {entry.Subtype:x2} {entry.Offset:x8} {entry.Size:x8}\r\n");
            row++;
        }

        text.Append($"I ({65 + (7 * row)}) boot: End of partition table\r\n");
        var app = table.Entries.FirstOrDefault(e => e.Type == PartitionTypes.App && e.Subtype == PartitionTypes.AppFactory)
            ?? table.Entries.FirstOrDefault(e => e.Type == PartitionTypes.App && e.Subtype >= PartitionTypes.AppOtaMin && e.Subtype < PartitionTypes.AppOtaMin + PartitionTypes.AppOtaCount);
        var image = app is not null && flash.Contains(app.Offset, app.Size) ? Esp32Image.Check(flash.Read(app.Offset, (int)app.Size)) : null;
        if (app is null || image is null || !image.Valid)
        {
            if (app is not null)
            {
                string why = image is null ? "lies outside the flash" : image.Problem!.StartsWith("invalid magic", StringComparison.Ordinal)
                    ? "has invalid magic byte (nothing flashed here?)" : image.Problem!;
                text.Append($"E (100) esp_image: image at 0x{app.Offset:x} {why}\r\n");
                string which = app.Subtype == PartitionTypes.AppFactory ? "Factory app partition" : $"OTA app partition slot {app.Subtype - PartitionTypes.AppOtaMin}";
                text.Append($"E (106) boot: {which} is not bootable\r\n");
            }

            text.Append("E (112) boot: No bootable app partitions in the partition table\r\n");
            return new FlashBootOutcome(text.ToString(), null, null, SoftwareReset);
        }

        text.Append($"I (199) boot: Loaded app from partition at offset 0x{app.Offset:x}\r\n");
        // The device keeps its identity on I:\, LittleFS on the partition nanoCLR finds by its label "config" (DevicePaths).
        var identity = table.Entries.FirstOrDefault(e => e.Type == PartitionTypes.Data && e.Name == "config");
        return new FlashBootOutcome(text.ToString(), app, identity, null);
    }

    private static string Usage(PartitionEntry entry) => (entry.Type, entry.Subtype) switch
    {
        (PartitionTypes.App, PartitionTypes.AppFactory) => "factory app",
        (PartitionTypes.App, >= PartitionTypes.AppOtaMin and < PartitionTypes.AppOtaMin + PartitionTypes.AppOtaCount) => "OTA app",
        (PartitionTypes.App, _) => "Unknown app",
        (PartitionTypes.Data, PartitionTypes.DataOta) => "OTA data",
        (PartitionTypes.Data, PartitionTypes.DataPhy) => "RF data",
        (PartitionTypes.Data, PartitionTypes.DataNvs) => "WiFi data",
        _ => "Unknown data",
    };
}

using System.Text;
using NodeFirmware.HostCommon.Boards;
using NodeSim.Board;
using NodeSim.RomBootloader;

namespace NodeSim.Tests.Board;

/// <summary>A whole simulated DevKit's console after a reset: the ROM, then what the flash holds.</summary>
public sealed class SimulatedBoardTests
{
    private readonly StringBuilder _console = new();

    private SimulatedBoard NewBoard(SimulatedBoardOptions? options = null) =>
        new(bytes => { lock (_console) _console.Append(Encoding.Latin1.GetString(bytes)); }, options ?? new SimulatedBoardOptions { FailedBootRestart = TimeSpan.FromMilliseconds(50) });

    private string Console
    {
        get { lock (_console) return _console.ToString(); }
    }

    private static void LoadStandIns(SimulatedBoard board)
    {
        var layout = BoardCatalog.Default().Load("esp32-devkitc-v4");
        var files = StandInImages.For(layout);
        foreach (var placement in layout.FlashLayout.Images) board.Flash.Load(placement.Offset, files[placement.File]);
    }

    private string WaitFor(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!Console.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no \"{text}\" in:\n{Console}");
            Thread.Sleep(10);
        }

        return Console;
    }

    [Fact]
    public void A_blank_flash_prints_the_roms_invalid_header_lines_until_the_rtc_watchdog_resets_it()
    {
        using var board = NewBoard();
        board.PowerOn(io0Low: false);

        string text = WaitFor("rst:0x10 (RTCWDT_RTC_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\ninvalid header: 0xffffffff\r\n");
        Assert.StartsWith("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n" +
            string.Concat(Enumerable.Repeat("invalid header: 0xffffffff\r\n", 8)) + "ets Jun  8 2016 00:22:57\r\n\r\nrst:0x10 (RTCWDT_RTC_RESET)", text);
        Assert.Null(board.Firmware);
    }

    [Fact]
    public void A_flashed_layout_boots_through_the_bootloader_into_the_firmware_waiting_to_be_provisioned()
    {
        using var board = NewBoard();
        LoadStandIns(board);
        board.PowerOn(io0Low: false);

        string text = Console;
        Assert.Contains("configsip: 0, SPIWP:0xee\r\n", text);
        Assert.Contains("mode:DIO, clock div:2\r\nload:0x3fff0030,len:6612\r\nload:0x40078000,len:14788\r\nload:0x40080400,len:3792\r\nentry 0x40080694\r\n", text);
        Assert.Contains("boot:  0 nvs              WiFi data        01 02 00009000 00006000\r\n", text);
        Assert.Contains("boot: Loaded app from partition at offset 0x10000\r\n", text);
        Assert.EndsWith("not provisioned: provisioning mode on the console UART (COM2 on GPIO1 TX, GPIO3 RX)\r\n", text);
        Assert.NotNull(board.Firmware);
        Assert.Equal(new byte[] { 0x24, 0x0A, 0xC4, 0x5E, 0x71, 0x9B }, Convert.FromHexString(board.Firmware!.DeviceId["esp32-".Length..]));
    }

    [Fact]
    public void A_damaged_app_image_is_refused_by_the_bootloader_and_the_firmware_does_not_run()
    {
        using var board = NewBoard();
        LoadStandIns(board);
        board.Flash.Load(0x10000 + 0x100, [0x00, 0x00]); // inside the first segment: checksum and hash no longer match
        board.PowerOn(io0Low: false);

        string text = WaitFor("rst:0x3 (SW_RESET)");
        Assert.Contains("E (100) esp_image: image at 0x10000 checksum", text);
        Assert.Contains("Factory app partition is not bootable", text);
        Assert.Contains("No bootable app partitions in the partition table", text);
        Assert.DoesNotContain("provisioning mode", text);
    }

    [Fact]
    public void A_bootloader_and_table_without_an_app_say_nothing_is_flashed_there_and_reset()
    {
        using var board = NewBoard();
        LoadStandIns(board);
        board.Flash.EraseSector(0x10000, SpiFlashRegion.ApplicationWrite);
        board.PowerOn(io0Low: false);

        string text = WaitFor("rst:0x3 (SW_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)");
        Assert.Contains("E (100) esp_image: image at 0x10000 has invalid magic byte (nothing flashed here?)\r\nE (106) boot: Factory app partition is not bootable\r\n", text);
        Assert.Null(board.Firmware);
    }

    [Fact]
    public void With_boot_held_a_reset_enters_the_roms_download_mode_and_the_firmware_does_not_run()
    {
        using var board = NewBoard();
        LoadStandIns(board);
        board.BootButtonHeld = true;
        board.SetSignals(dtr: false, rts: true);
        board.SetSignals(dtr: false, rts: false);

        string text = WaitFor("waiting for download\r\n");
        Assert.Contains("boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))", text);
        Assert.Null(board.Firmware);
        Assert.Equal(RomChipState.DownloadMode, board.Rom.State);
    }

    [Fact]
    public void The_identity_region_is_the_config_partition_of_the_flash()
    {
        using var board = NewBoard();
        LoadStandIns(board);
        board.PowerOn(io0Low: false);
        var region = board.Firmware!.Flash;

        region.Program(0, [0x12, 0x34], 0, 2);

        Assert.Equal(0x1A0000, region.Size);
        Assert.Equal(new byte[] { 0x12, 0x34 }, board.Flash.Read(0x260000, 2).ToArray());
        Assert.Contains(board.Flash.ProgrammedRanges, r => r.Address == 0x260000 && r.Command == SpiFlashRegion.ApplicationWrite);
    }

    [Fact]
    public void Images_are_checked_as_the_rom_reads_them()
    {
        byte[] image = StandInImages.App(seed: 3, size: 8192);
        Assert.True(Esp32Image.Check(image).Valid, Esp32Image.Check(image).Problem);
        Assert.Equal(4, Esp32Image.Check(image).Segments.Count);

        var badHash = (byte[])image.Clone();
        badHash[^1] ^= 1;
        Assert.Contains("SHA-256", Esp32Image.Check(badHash).Problem);
        var badMagic = (byte[])image.Clone();
        badMagic[0] = 0xE8;
        Assert.StartsWith("invalid magic byte 0xe8", Esp32Image.Check(badMagic).Problem);
        Assert.Contains("past the end", Esp32Image.Check(image.AsSpan(0, 4000)).Problem);
    }
}

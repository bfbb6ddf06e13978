using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>Reading an ESP32's console text: the latest reset that printed a decisive line decides.</summary>
public sealed class BoardBootTextTests
{
    private const string Banner = "ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n";

    [Theory]
    [InlineData("ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n",
        BoardBootState.DownloadMode, "waiting for download")]
    [InlineData(Banner + "invalid header: 0xffffffff\r\ninvalid header: 0xffffffff\r\nets Jul 29 2019 12:21:46\r\n\r\nrst:0x10 (RTCWDT_RTC_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\ninval",
        BoardBootState.NoFirmware, "invalid header: 0xffffffff")]
    [InlineData(Banner + "entry 0x40080694\r\nE (112) boot: No bootable app partitions in the partition table\r\n",
        BoardBootState.NoFirmware, "E (112) boot: No bootable app partitions in the partition table")]
    [InlineData(Banner + "I (199) boot: Loaded app from partition at offset 0x10000\r\nidentity ok: esp32-240ac4123456\r\n",
        BoardBootState.Provisioned, "identity ok: esp32-240ac4123456")]
    [InlineData(Banner + "not provisioned: provisioning mode on the console UART (COM2 on GPIO1 TX, GPIO3 RX)\r\n",
        BoardBootState.ProvisioningMode, "not provisioned: provisioning mode on the console UART (COM2 on GPIO1 TX, GPIO3 RX)")]
    [InlineData(Banner + "configsip: 0, SPIWP:0xee\r\nmode:DIO, clock div:2\r\n", BoardBootState.Unknown, null)]
    [InlineData("", BoardBootState.Unknown, null)]
    public void The_boot_text_says_what_the_board_runs(string text, BoardBootState state, string? evidence)
    {
        var boot = new BoardBootText(text);

        Assert.Equal(state, boot.State);
        Assert.Equal(evidence, boot.Evidence);
    }

    [Fact]
    public void A_later_reset_overrides_an_earlier_one_and_an_unfinished_one_does_not()
    {
        string flashedSinceThen = Banner + "invalid header: 0xffffffff\r\n" + Banner + "identity ok: esp32-240ac4123456\r\n";
        string resetInProgress = flashedSinceThen + "ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST";

        Assert.Equal(BoardBootState.Provisioned, new BoardBootText(flashedSinceThen).State);
        Assert.Equal("esp32-240ac4123456", new BoardBootText(flashedSinceThen).DeviceId);
        Assert.Equal(BoardBootState.Provisioned, new BoardBootText(resetInProgress).State);
        Assert.Equal(BoardBootState.NoFirmware, new BoardBootText(Banner + "identity ok: esp32-240ac4123456\r\n" + Banner + "invalid header: 0x00000000\r\n").State);
    }

    [Fact]
    public void Only_the_latest_text_is_kept()
    {
        string flood = new string('x', 3 * BoardBootText.MaxChars) + Banner + "waiting for download\r\n";

        var boot = new BoardBootText(flood);

        Assert.Equal(BoardBootText.MaxChars, boot.Text.Length);
        Assert.Equal(BoardBootState.DownloadMode, boot.State);
    }
}

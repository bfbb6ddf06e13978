using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.Nodectl.Tests.Flashing;

public class RomProtocolTests
{
    [Fact]
    public void Checksum_is_0xEF_xor_every_data_byte()
    {
        Assert.Equal(0xEF, RomProtocol.Checksum(ReadOnlySpan<byte>.Empty));
        Assert.Equal(0xEF ^ 0x01 ^ 0x02 ^ 0xFF, RomProtocol.Checksum(new byte[] { 0x01, 0x02, 0xFF }));
    }

    [Fact]
    public void Request_header_is_direction_command_size_checksum()
    {
        var packet = RomProtocol.BuildRequest(RomCommand.FLASH_DATA, new byte[] { 9, 8, 7 }, 0x5A);
        Assert.Equal(new byte[] { 0x00, 0x03, 0x03, 0x00, 0x5A, 0x00, 0x00, 0x00, 9, 8, 7 }, packet);
    }

    [Fact]
    public void Sync_payload_is_07_07_12_20_and_32_times_55()
    {
        var sync = RomProtocol.SyncPayload();
        Assert.Equal(36, sync.Length);
        Assert.Equal(new byte[] { 0x07, 0x07, 0x12, 0x20 }, sync[..4]);
        Assert.All(sync[4..], b => Assert.Equal(0x55, b));
    }

    [Fact]
    public void Response_parse_rejects_wrong_direction_and_size()
    {
        Assert.Null(RomResponse.TryParse(new byte[] { 0x00, 0x0A, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, out var why));
        Assert.Contains("direction", why);
        Assert.Null(RomResponse.TryParse(new byte[] { 0x01, 0x0A, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, out why));
        Assert.Contains("size field", why);
        var ok = RomResponse.TryParse(new byte[] { 0x01, 0x0A, 4, 0, 0x83, 0x1D, 0xF0, 0x00, 1, 0x07, 0, 0 }, out _);
        Assert.NotNull(ok);
        Assert.Equal(0x00F01D83u, ok.Value);
        Assert.Equal(((byte)1, (byte)0x07), ok.Status(4));
    }

    [Fact]
    public void Mac_from_efuse_words_and_device_id()
    {
        var mac = EspMacAddress.FromEsp32Efuse(0xC45E719B, 0x0055240A);
        Assert.Equal("24:0a:c4:5e:71:9b", mac.ToString());
        Assert.Equal("esp32-240ac45e719b", mac.ToDeviceId());
        Assert.Throws<FlashingException>(() => EspMacAddress.FromEsp32Efuse(0, 0));
    }

    [Theory]
    [InlineData("0x1000:x.bin", "not exist")]
    [InlineData("4096", "OFFSET:FILE")]
    [InlineData("0xZZ:a.bin", "not a number")]
    public void Image_spec_errors_name_the_problem(string spec, string expected)
    {
        var e = Assert.Throws<FlashingException>(() => FlashImage.Load(spec));
        Assert.Contains(expected, e.Message);
    }
}

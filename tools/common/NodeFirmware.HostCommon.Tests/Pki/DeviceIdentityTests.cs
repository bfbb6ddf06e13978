using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Pki;

public class DeviceIdentityTests
{
    [Fact]
    public void Id_is_prefix_and_lower_case_mac()
    {
        Assert.Equal("esp32-240ac4123456", DeviceIdentity.FromMac([0x24, 0x0A, 0xC4, 0x12, 0x34, 0x56]));
        Assert.Equal("esp32-a1b2c3d4e5f6", DeviceIdentity.FromMacText("A1:B2:C3:D4:E5:F6"));
        Assert.Equal("esp32-a1b2c3d4e5f6", DeviceIdentity.FromMacText("a1-b2-c3-d4-e5-f6"));
    }

    [Fact]
    public void Mac_round_trips_through_the_id()
    {
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            var mac = new byte[6];
            random.NextBytes(mac);
            var id = DeviceIdentity.FromMac(mac);
            Assert.True(DeviceIdentity.IsValid(id));
            Assert.Equal(mac, DeviceIdentity.ToMac(id));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(0)]
    public void Wrong_mac_length_is_refused(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceIdentity.FromMac(new byte[length]));
        Assert.Contains("6 bytes", e.Message);
    }

    [Theory]
    [InlineData("esp32-A1B2C3D4E5F6")]
    [InlineData("esp32-a1b2c3d4e5")]
    [InlineData("esp32-a1b2c3d4e5f6a")]
    [InlineData("esp32-a1b2c3d4e5g6")]
    [InlineData("esp32-a1b2c3d4e5+#")]
    [InlineData("nf-a1b2c3d4e5f6")]
    [InlineData("receiver")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_ids_are_invalid(string? id)
    {
        Assert.False(DeviceIdentity.IsValid(id));
        Assert.Throws<ArgumentException>(() => DeviceIdentity.Validate(id));
    }

    [Theory]
    [InlineData("receiver", true)]
    [InlineData("receiver-2", true)]
    [InlineData("esp32-receiver", false)]
    [InlineData("Receiver", false)]
    [InlineData("rec/eiver", false)]
    [InlineData("rec+", false)]
    [InlineData("", false)]
    public void Service_identities_cannot_pose_as_devices_or_topics(string name, bool valid) =>
        Assert.Equal(valid, ServiceIdentity.IsValid(name));
}

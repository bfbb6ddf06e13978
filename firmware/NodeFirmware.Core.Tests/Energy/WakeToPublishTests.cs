using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.Core.Link;

namespace NodeFirmware.Core.Tests.Energy;

/// <summary>The phases of a wake, and what keeping the address and the broker session saves.</summary>
public class WakeToPublishTests
{
    private static PowerProfile Profile() => new()
    {
        WifiConnectMilliseconds = 2500, DhcpMilliseconds = 600, WifiConnectMilliamps = 120,
        TlsHandshakeMilliseconds = 1500, TlsHandshakeMilliamps = 100,
        PublishMillisecondsPerMessage = 60, RadioActiveMilliamps = 110,
        LightSleepMilliamps = 0.9, DeepSleepMilliamps = 0.025, BatteryCapacityMilliampHours = 2000,
    };

    [Fact]
    public void A_wake_that_reuses_nothing_splits_the_profiles_connect_figures_into_phases()
    {
        var w = WakeToPublish.Phases(Profile(), NetworkReuse.None());
        Assert.Equal(1900, w.WifiJoinMilliseconds, 9);
        Assert.Equal(600, w.DhcpMilliseconds, 9);
        Assert.Equal(1440, w.TlsHandshakeMilliseconds, 9);
        Assert.Equal(60, w.MqttConnectMilliseconds, 9);
        Assert.Equal(60, w.SubscribeMilliseconds, 9);
        Assert.Equal(60, w.PublishMilliseconds, 9);
        Assert.Equal(2500 + 1500 + 60 + 60, w.TotalMilliseconds, 9);
    }

    [Fact]
    public void Keeping_the_session_drops_the_subscribe_and_keeping_the_address_drops_dhcp_for_its_share_of_wakes()
    {
        var reuse = new NetworkReuse { AddressKeptShare = 0.75, SessionKept = true };
        var w = WakeToPublish.Phases(Profile(), reuse);
        Assert.Equal(0, w.SubscribeMilliseconds);
        Assert.Equal(150, w.DhcpMilliseconds, 9);
        Assert.Equal(1900, w.WifiJoinMilliseconds, 9); // the scan stays: nanoCLR connects without BSSID or channel
        Assert.Equal(1440, w.TlsHandshakeMilliseconds, 9); // no TLS session resumption on nanoFramework
        Assert.Equal(2500 - 450, WakeToPublish.ProfileWith(Profile(), reuse).WifiConnectMilliseconds, 9);
    }

    [Fact]
    public void The_subscribe_of_each_connection_is_charged_as_one_message_unless_the_session_is_kept()
    {
        var d = new DutyCycle { ConnectionsPerDay = 96, MessagesPerDay = 192 };
        Assert.Equal(288, WakeToPublish.DutyWith(d, NetworkReuse.None()).MessagesPerDay);
        Assert.Equal(192, WakeToPublish.DutyWith(d, new NetworkReuse { SessionKept = true }).MessagesPerDay);
    }

    [Theory]
    [InlineData(900, 0.75)]  // 4 connections per hour-long window: the first asks DHCP
    [InlineData(1000, 0.75)] // ceil(3600 / 1000) = 4
    [InlineData(3600, 0.0)]  // one connection per window: every one asks
    [InlineData(7200, 0.0)]
    [InlineData(0, 0.0)]
    public void The_share_of_connections_that_reuse_the_address_follows_the_window(int interval, double share)
    {
        Assert.Equal(share, AddressReuse.ReusedShare(interval), 9);
    }

    [Fact]
    public void An_address_is_reused_only_while_younger_than_the_window()
    {
        Assert.True(AddressReuse.MayReuse(0));
        Assert.True(AddressReuse.MayReuse(AddressReuse.WindowSeconds * 1000L - 1));
        Assert.False(AddressReuse.MayReuse(AddressReuse.WindowSeconds * 1000L));
        Assert.False(AddressReuse.MayReuse(-1)); // uptime went backwards: not to be trusted
    }

    [Fact]
    public void The_firmware_reuses_the_address_only_in_light_sleep_where_the_application_keeps_running()
    {
        var light = new DeviceConfig { SampleIntervalSeconds = 60, ReportIntervalSeconds = 900, LightSleepBelowSeconds = 92 };
        var deep = new DeviceConfig { SampleIntervalSeconds = 60, ReportIntervalSeconds = 900, LightSleepBelowSeconds = 5 };
        Assert.Equal(0.75, NetworkReuse.Firmware(light).AddressKeptShare, 9);
        Assert.Equal(0, NetworkReuse.Firmware(deep).AddressKeptShare);
        Assert.True(NetworkReuse.Firmware(deep).SessionKept);
    }
}

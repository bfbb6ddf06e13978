using NodeFirmware.Core.Energy;
using NodeFirmware.Core.Link;

namespace NodeFirmware.Core.Tests.Energy;

/// <summary>Failed connection attempts are charged at the device's bounds on an attempt (ConnectLimits).</summary>
public class LinkFailureEnergyTests
{
    private static PowerProfile Profile() => new()
    {
        BootMilliseconds = 300, BootMilliamps = 40,
        WifiConnectMilliseconds = 1500, WifiConnectMilliamps = 120,
        TlsHandshakeMilliseconds = 1200, TlsHandshakeMilliamps = 100,
        RadioActiveMilliamps = 150, DeepSleepMilliamps = 0.01,
        BatteryCapacityMilliampHours = 2000,
    };

    [Fact]
    public void A_failed_wifi_join_costs_its_bound_at_the_join_current()
    {
        var d = new DutyCycle { FailedWifiJoinsPerDay = 10 };
        var e = EnergyModel.Estimate(Profile(), d);
        Assert.Equal(10.0 * ConnectLimits.WifiJoinWorstMillis * 120 / 3.6e6, e.FailedConnectMah, 9);
        Assert.Equal(e.FailedConnectMah + e.SleepMah, e.TotalMahPerDay, 9);
    }

    [Fact]
    public void A_failed_broker_connect_costs_a_wifi_join_plus_the_mqtt_bound_with_the_radio_on()
    {
        var e = EnergyModel.Estimate(Profile(), new DutyCycle { FailedBrokerConnectsPerDay = 4 });
        Assert.Equal(4.0 * (1500 * 120 + ConnectLimits.MqttConnectMillis * 150) / 3.6e6, e.FailedConnectMah, 9);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.2, 0.25)]
    [InlineData(0.5, 1.0)]
    public void A_failure_rate_adds_rate_over_one_minus_rate_failed_attempts_per_connection(double rate, double perConnection)
    {
        var clean = new DutyCycle { ConnectionsPerDay = 96, BootsPerDay = 1440 };
        var wifi = EnergyModel.WithLinkFailures(clean, rate, wifiFails: true);
        var broker = EnergyModel.WithLinkFailures(clean, rate, wifiFails: false);
        Assert.Equal(96 * perConnection, wifi.FailedWifiJoinsPerDay, 9);
        Assert.Equal(0, wifi.FailedBrokerConnectsPerDay);
        Assert.Equal(96 * perConnection, broker.FailedBrokerConnectsPerDay, 9);
        Assert.Equal(1440, broker.BootsPerDay);
        Assert.Throws<ArgumentOutOfRangeException>(() => EnergyModel.WithLinkFailures(clean, 1.0, true));
    }

    [Fact]
    public void Bounds_are_the_documented_ones()
    {
        Assert.Equal(20_200, ConnectLimits.WifiJoinWorstMillis);
        Assert.True(ConnectLimits.MqttConnectMillis < 30_000, "the MQTT bound must cut M2Mqtt's 30 s CONNACK wait short");
    }
}

using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;
using NodeSim.Telemetry;

namespace NodeSim.Tests.Telemetry;

/// <summary>Whose readings the simulator's reader says a batch holds: version 2 takes the topic's device, version 1 must name it.</summary>
public class TelemetryBatchReaderTests
{
    private const string Device = "esp32-a1b2c3d4e5f6", Other = "esp32-0000000000bb";

    private static Reading[] Readings()
    {
        var readings = new Reading[3];
        for (int k = 0; k < readings.Length; k++)
            readings[k] = new Reading
            {
                Sequence = (uint)(50 + k), UnixTime = (uint)(1_764_000_000 + 60 * k),
                Sample = new EnvironmentSample { CentiCelsius = 2131 + k, CentiPercentRh = 4520, Pascal = 101_325 },
                BatteryMillivolts = 3900,
            };
        return readings;
    }

    [Theory]
    [InlineData(Device)]
    [InlineData(Other)]
    public void A_version_2_batch_holds_the_readings_of_its_topics_device(string device)
    {
        var readings = TelemetryBatchReader.Read($"nodes/{device}/telemetry", PackedBatchEncoder.Encode(7, Readings(), 0, 3));
        Assert.Equal([(device, 7u, 50u), (device, 7u, 51u), (device, 7u, 52u)], readings.Select(r => (r.Device, r.Epoch, r.Sequence)));
        Assert.Equal(21.33, readings[2].Channels["temperature"].Value, 6);
    }

    [Fact]
    public void A_version_1_batch_is_read_on_its_own_devices_topic_and_refused_on_another()
    {
        byte[] v1 = TelemetryBatchEncoder.Encode(Device, 7, Readings(), 0, 3);
        Assert.All(TelemetryBatchReader.Read($"nodes/{Device}/telemetry", v1), r => Assert.Equal(Device, r.Device));
        var e = Assert.Throws<InvalidDataException>(() => TelemetryBatchReader.Read($"nodes/{Other}/telemetry", v1));
        Assert.Contains(Other, e.Message);
    }

    [Theory]
    [InlineData("nodes/esp32-a1b2c3d4e5f6/status")]
    [InlineData("nodes//telemetry")]
    [InlineData("esp32-a1b2c3d4e5f6/telemetry")]
    public void A_topic_that_is_not_a_telemetry_topic_names_no_device(string topic) =>
        Assert.Throws<InvalidDataException>(() => TelemetryBatchReader.Read(topic, PackedBatchEncoder.Encode(7, Readings(), 0, 3)));
}

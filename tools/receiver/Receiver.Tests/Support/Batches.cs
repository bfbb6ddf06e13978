using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>Readings as the firmware makes them, and batches encoded by the firmware's own encoder.</summary>
public static class Batches
{
    public const string DeviceId = "esp32-a1b2c3d4e5f6";

    /// <summary>Plausible readings, consecutive in sequence, one a minute from <paramref name="firstTime"/>.</summary>
    public static Reading[] Readings(int count, uint firstSequence, uint firstTime, int seed = 1, bool battery = true, double faultRate = 0)
    {
        var random = new Random(seed);
        var readings = new Reading[count];
        for (int k = 0; k < count; k++)
        {
            bool fault = random.NextDouble() < faultRate;
            readings[k] = new Reading
            {
                Sequence = firstSequence + (uint)k,
                UnixTime = firstTime == 0 ? 0 : firstTime + (uint)(60 * k),
                Fault = fault ? SensorFault.Timeout : SensorFault.None,
                Sample = new EnvironmentSample
                {
                    CentiCelsius = 2000 + random.Next(-300, 300),
                    CentiPercentRh = 4500 + random.Next(-500, 500),
                    Pascal = 101_325 + random.Next(-2000, 2000),
                },
                BatteryMillivolts = battery ? 3900 - k : -1,
            };
        }
        return readings;
    }

    public static byte[] Encode(Reading[] readings, uint epoch = 7, string deviceId = DeviceId) =>
        TelemetryBatchEncoder.Encode(deviceId, epoch, readings, 0, readings.Length);

    public static byte[] Encode(int count, uint firstSequence, uint firstTime, uint epoch = 7, string deviceId = DeviceId, int seed = 1) =>
        Encode(Readings(count, firstSequence, firstTime, seed), epoch, deviceId);

    /// <summary>
    /// Version 2, as devices with this firmware send it (version 1, <see cref="Encode(Reading[], uint, string)"/>, is what
    /// older ones send). It names no device: the topic it is decoded with does.
    /// </summary>
    public static byte[] EncodePacked(Reading[] readings, uint epoch = 7) =>
        PackedBatchEncoder.Encode(epoch, readings, 0, readings.Length);

    /// <summary>Either version of the same readings: 1 or 2 (<paramref name="deviceId"/> is version 1's "d").</summary>
    public static byte[] Encode(int version, Reading[] readings, uint epoch = 7, string deviceId = DeviceId) =>
        version == 2 ? EncodePacked(readings, epoch) : Encode(readings, epoch, deviceId);

    public static uint Now => (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}

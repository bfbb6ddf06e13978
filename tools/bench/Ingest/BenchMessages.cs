using NodeFirmware.Bench.Sensors;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// One firmware batch of one device, as Core encodes it; <see cref="Index"/> is its place in the run and
/// <see cref="Sent"/> the readings it carries, which the run holds the store's contents to.
/// </summary>
internal sealed record BenchMessage(int Index, string Device, long FirstSequence, int Readings, byte[] Payload, Reading[] Sent);

/// <summary>The batches the devices of a run publish: each device's BME280 wandering indoors, sampled every minute.</summary>
internal static class BenchMessages
{
    public const uint Epoch = 1;
    private const int SampleSeconds = 60;

    /// <summary>
    /// Batches of telemetry batch version <paramref name="batchVersion"/> from <paramref name="devices"/> devices, each a
    /// run of consecutive readings ending before now, in the order the devices would send them.
    /// </summary>
    public static List<BenchMessage> Create(int readings, int perMessage, int devices, int batchVersion)
    {
        var list = new List<BenchMessage>();
        int perDevice = (readings + devices - 1) / devices;
        long start = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - (long)perDevice * SampleSeconds - 600;
        var sensors = Enumerable.Range(0, devices).Select(d => new WanderingIndoorBme280(seed: 7 + d)).ToArray();
        int messagesPerDevice = (perDevice + perMessage - 1) / perMessage;
        for (int round = 0; round < messagesPerDevice; round++)
        {
            for (int d = 0; d < devices; d++)
            {
                int firstIndex = d * perDevice + round * perMessage; // this device's readings are [d * perDevice, ...)
                int count = Math.Min(perMessage, Math.Min(perDevice - round * perMessage, readings - firstIndex));
                if (count <= 0) continue;
                string device = DeviceId(d);
                uint firstSeq = (uint)(round * perMessage);
                var batch = new Reading[count];
                for (int k = 0; k < count; k++)
                {
                    uint seq = firstSeq + (uint)k;
                    // The battery loses about 15 mV a day.
                    batch[k] = sensors[d].Next(seq, start + (long)seq * SampleSeconds, 3900 - (int)(seq / 96));
                }
                list.Add(new BenchMessage(list.Count, device, firstSeq, count, Encode(batchVersion, device, batch), batch));
            }
        }
        return list;
    }

    public static string DeviceId(int d) => $"esp32-be0c{d:x8}";

    public static byte[] Encode(int batchVersion, string device, Reading[] readings) => batchVersion switch
    {
        1 => TelemetryBatchEncoder.Encode(device, Epoch, readings, 0, readings.Length),
        2 => PackedBatchEncoder.Encode(Epoch, readings, 0, readings.Length),
        _ => throw new ArgumentOutOfRangeException(nameof(batchVersion), batchVersion, "telemetry batch versions are 1 and 2"),
    };
}

using NodeFirmware.Bench.Sensors;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Link;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Bench.Wire;

/// <summary>
/// Bytes on the wire per BME280 reading, MQTT framing included, TLS excluded, for the reference profile
/// (sample every 60 s, report every 15 min): NodeFirmware's session per report (CONNECT with will to a session
/// the broker kept, the batch Core encodes (version 2, packed), the receiver's acknowledgement of it, the sleeping status, their acknowledgements, DISCONNECT; the first
/// connection's SUBSCRIBE and birth status are spread over the day) against a
/// JSON message per reading from a node that connects for each one.
/// Usage: bench wire [--sample-s 60] [--report-s 900] [--seed 1]
/// </summary>
public static class WireBenchmark
{
    public static int Run(string[] args)
    {
        int sampleS = IntArg(args, "--sample-s", 60), reportS = IntArg(args, "--report-s", 900), seed = IntArg(args, "--seed", 1);
        const string device = "esp32-a1b2c3d4e5f6";
        var topics = new Topics(device);
        var sensor = new WanderingIndoorBme280(seed);
        int perBatch = reportS / sampleS;
        const int batches = 96;

        long start = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        long ours = 0, baseline = 0, payloadOnly = 0, payloadV1 = 0, receiverAcks = 0;
        uint sequence = 1;
        for (int b = 0; b < batches; b++)
        {
            var readings = new Reading[perBatch];
            for (int k = 0; k < perBatch; k++)
            {
                readings[k] = sensor.Next(sequence++, start + (long)(b * perBatch + k) * sampleS, 3900 - b);
                var when = DateTimeOffset.FromUnixTimeSeconds(readings[k].UnixTime).UtcDateTime;
                baseline += TasmotaStyleBaseline.SessionBytes(device, TasmotaStyleBaseline.Message(when, sensor.Celsius, sensor.PercentRh, sensor.Pascal / 100));
            }
            byte[] batch = PackedBatchEncoder.Encode(7, readings, 0, perBatch);
            payloadOnly += batch.Length;
            payloadV1 += TelemetryBatchEncoder.Encode(device, 7, readings, 0, perBatch).Length;
            int ack = MqttPacketSizes.Publish(topics.TelemetryAck, TelemetryAck.Encode(7, readings[0].Sequence, perBatch).Length, qos1: true) + MqttPacketSizes.PubAck;
            receiverAcks += ack;
            ours += ack + SessionBytes(topics, batch.Length, b, first: b == 0, vitals: VitalsCadence.IsDue(readings[perBatch - 1].UnixTime, reportS));
        }

        int readingsTotal = batches * perBatch;
        double oursPerReading = (double)ours / readingsTotal, baselinePerReading = (double)baseline / readingsTotal;
        Console.WriteLine($"RESULT wire sample_s={sampleS} report_s={reportS} readings={readingsTotal} batch_payload_bytes_per_reading={(double)payloadOnly / readingsTotal:0.0} " +
                          $"bytes_per_reading={oursPerReading:0.0} baseline_bytes_per_reading={baselinePerReading:0.0} ratio={oursPerReading / baselinePerReading:0.000} goal<=0.10");
        // Where the bytes go: version 1's batch for comparison, and the receiver's acknowledgement (after its commit) on its own.
        Console.WriteLine($"RESULT wire_parts batch_v1_payload_bytes_per_reading={(double)payloadV1 / readingsTotal:0.0} receiver_ack_bytes_per_reading={(double)receiverAcks / readingsTotal:0.0} " +
                          $"ratio_without_receiver_ack={(double)(ours - receiverAcks) / readingsTotal / baselinePerReading:0.000}");
        return 0;
    }

    private static int SessionBytes(Topics topics, int batchBytes, int b, bool first, bool vitals)
    {
        byte[] birth = StatusEncoder.Encode(new NodeStatus { State = "online", FirmwareVersion = "1.0.0", Epoch = 7, Wake = "power-on", BatteryMillivolts = 3900 - b, Pending = 15, ConfigRevision = 3 });
        // The vitals a device sends after a day up, in the reports VitalsCadence picks: uptime, heap low-water mark and this
        // wake's phases as the device measures them (Wi-Fi join with DHCP, MQTT connect with TLS); boots and resets at their usual value.
        var status = new NodeStatus
        {
            State = "sleeping", FirmwareVersion = "1.0.0", Epoch = 7, Wake = "timer", BatteryMillivolts = 3900 - b, ConfigRevision = 3, SleepUntil = 1_764_000_000,
        };
        if (vitals)
        {
            status.UptimeSeconds = 86_400 + b * 900;
            status.Reconnects = 2;
            status.HeapLowWater = 81_920;
            status.WakeToPublish = [2410, 1750, -1, -1, 120, 540];
        }
        byte[] sleeping = StatusEncoder.Encode(status);
        return MqttPacketSizes.Connect("esp32-a1b2c3d4e5f6", topics.Status, StatusEncoder.Offline().Length)
               + MqttPacketSizes.ConnAck
               + (first ? MqttPacketSizes.Subscribe(topics.Config, topics.Command, topics.TelemetryAck) + MqttPacketSizes.SubAck(3) : 0)
               + (first ? MqttPacketSizes.Publish(topics.Status, birth.Length, qos1: true) + MqttPacketSizes.PubAck : 0)
               + MqttPacketSizes.Publish(topics.Telemetry, batchBytes, qos1: true) + MqttPacketSizes.PubAck
               + MqttPacketSizes.Publish(topics.Status, sleeping.Length, qos1: true) + MqttPacketSizes.PubAck
               + MqttPacketSizes.Disconnect;
    }

    internal static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }
}

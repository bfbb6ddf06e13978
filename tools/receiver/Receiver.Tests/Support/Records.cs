using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Model;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>Validated records for storage tests, without going through the wire format.</summary>
public static class Records
{
    public static TelemetryRecord Reading(string device, long epoch, long seq, long time, double temperature, double humidity = 45, double pressure = 101_325, double? battery = 3.9, string? fault = null)
    {
        var values = new List<ChannelValue>
        {
            new("temperature", "Cel", temperature),
            new("humidity", "%RH", humidity),
            new("pressure", "Pa", pressure),
        };
        if (battery is not null) values.Add(new ChannelValue("battery", "V", battery.Value));
        return new TelemetryRecord(new ReadingKey(device, epoch, seq), time, time, TimeSource.Device, fault, fault is null ? values : values.Skip(3).ToList());
    }

    /// <summary>One message of consecutive readings one minute apart.</summary>
    public static ReceivedTelemetry Message(string device, long epoch, long firstSeq, int count, long firstTime, DateTimeOffset receivedAt, int? batteryMv = 3900)
    {
        var records = Enumerable.Range(0, count)
            .Select(k => Reading(device, epoch, firstSeq + k, firstTime + 60 * k, 20 + k * 0.1))
            .ToList();
        return new ReceivedTelemetry(device, records, batteryMv, receivedAt);
    }

    public static WriteBatch Batch(params ReceivedTelemetry[] messages)
    {
        var batch = new WriteBatch();
        batch.Telemetry.AddRange(messages);
        return batch;
    }

    public static StatusUpdate Status(string device, string state, DateTimeOffset at, string fw = "1.4.0") =>
        new(device, new DeviceStatus(state, Firmware: fw, Slot: "A"), at);
}

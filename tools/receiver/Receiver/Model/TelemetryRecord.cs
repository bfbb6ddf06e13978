namespace NodeFirmware.Receiver.Model;

/// <summary>A validated reading ready to store.</summary>
/// <param name="Time">Unix seconds; see <paramref name="TimeSource"/>.</param>
/// <param name="DeviceTime">The time the device reported (Unix seconds, 0 if its clock was unset).</param>
/// <param name="Fault">The sensor fault code, or null when the sensor delivered values.</param>
public sealed record TelemetryRecord(
    ReadingKey Key,
    long Time,
    long DeviceTime,
    TimeSource TimeSource,
    string? Fault,
    IReadOnlyList<ChannelValue> Values)
{
    public string DeviceId => Key.DeviceId;
}

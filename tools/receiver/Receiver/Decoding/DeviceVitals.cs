namespace NodeFirmware.Receiver.Decoding;

/// <summary>
/// The vitals of a status message (docs/formats/README.md, "Status"), each at its usual value when the message left it
/// out: one boot, no abnormal reset; reconnects, uptime, heap and wake-to-publish not in this status (null). The device
/// sends the reconnect count, even 0, in every status that carries the hourly vitals.
/// </summary>
public sealed record DeviceVitals(
    long Boots = 1,
    long Brownouts = 0,
    long Watchdogs = 0,
    long Panics = 0,
    long? UptimeSeconds = null,
    long? Reconnects = null,
    long? HeapLowWaterBytes = null,
    WakeToPublish? WakeToPublish = null)
{
    /// <summary>Resets the firmware did not ask for: brown-outs, watchdog resets and panics.</summary>
    public long Crashes => Brownouts + Watchdogs + Panics;
}

/// <summary>One wake, waking to the first PUBACK, in milliseconds; a phase the device could not tell apart is null.</summary>
public sealed record WakeToPublish(int TotalMs, int? WifiJoinMs, int? DhcpMs, int? TlsHandshakeMs, int? MqttConnectMs, int? PublishMs);

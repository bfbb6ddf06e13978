namespace NodeFirmware.Receiver.Quarantine;

/// <summary>
/// Bounds of the quarantine (configuration section Receiver:Quarantine): how much of a payload is kept, how fast one
/// device (and all together) may add entries, and how old and how big the quarantine may grow.
/// </summary>
public sealed class QuarantineOptions
{
    public const string Section = "Receiver:Quarantine";

    /// <summary>Payload bytes kept per entry; the rest is cut (the message says how long it was).</summary>
    public int MaxPayloadBytes { get; set; } = 1024;

    /// <summary>Entries per second one device may add, sustained, and the burst above that.</summary>
    public double PerDevicePerSecond { get; set; } = 1;
    public int PerDeviceBurst { get; set; } = 20;

    /// <summary>Entries per second all devices together may add, and the burst.</summary>
    public double TotalPerSecond { get; set; } = 50;
    public int TotalBurst { get; set; } = 200;

    /// <summary>Retention: entries older than this are deleted.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Retention: the newest entries are kept up to this many and this many payload bytes.</summary>
    public int MaxEntries { get; set; } = 20_000;
    public long MaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How often retention runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromSeconds(10);
}

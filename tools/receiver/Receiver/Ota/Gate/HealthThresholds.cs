namespace NodeFirmware.Receiver.Ota.Gate;

/// <summary>
/// How much worse the updated devices may be than the not-yet-updated devices on the same board before a stage halts
/// (docs/receiver.md, "Health-gated stages"). Ratios compare the updated cohort's value with the baseline's; the reconnect
/// rate also gets an absolute slack so a baseline of zero reconnects does not make one reconnect a breach.
/// </summary>
public sealed record HealthThresholds(
    double CrashFreeDrop = 0.05,
    double ReconnectRatio = 1.5,
    double ReconnectSlackPerDay = 1.0,
    double WakeToPublishRatio = 1.25,
    double DrainRatio = 1.3,
    int MinDevices = 3)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!(CrashFreeDrop >= 0 && CrashFreeDrop <= 1)) throw new ArgumentException($"crashFreeDrop must be in [0, 1], not {CrashFreeDrop}");
        if (!(ReconnectRatio >= 1 && ReconnectRatio <= 100)) throw new ArgumentException($"reconnectRatio must be in [1, 100], not {ReconnectRatio}");
        if (!(ReconnectSlackPerDay >= 0 && ReconnectSlackPerDay <= 1000)) throw new ArgumentException($"reconnectSlackPerDay must be in [0, 1000], not {ReconnectSlackPerDay}");
        if (!(WakeToPublishRatio >= 1 && WakeToPublishRatio <= 100)) throw new ArgumentException($"wakeToPublishRatio must be in [1, 100], not {WakeToPublishRatio}");
        if (!(DrainRatio >= 1 && DrainRatio <= 100)) throw new ArgumentException($"drainRatio must be in [1, 100], not {DrainRatio}");
        if (MinDevices is < 1 or > 100_000) throw new ArgumentException($"minDevices must be 1..100000, not {MinDevices}");
    }
}

using NodeFirmware.HostCommon.Campaigns;

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
        InRange("crashFreeDrop", CrashFreeDrop, GateLimits.CrashFreeDrop);
        InRange("reconnectRatio", ReconnectRatio, GateLimits.ReconnectRatio);
        InRange("reconnectSlackPerDay", ReconnectSlackPerDay, GateLimits.ReconnectSlackPerDay);
        InRange("wakeToPublishRatio", WakeToPublishRatio, GateLimits.WakeToPublishRatio);
        InRange("drainRatio", DrainRatio, GateLimits.DrainRatio);
        if (MinDevices is < GateLimits.MinMinDevices or > GateLimits.MaxMinDevices)
            throw new ArgumentException($"minDevices must be {GateLimits.MinMinDevices}..{GateLimits.MaxMinDevices}, not {MinDevices}");
    }

    private static void InRange(string field, double value, GateRange range)
    {
        if (!range.Contains(value)) throw new ArgumentException($"{field} must be in {range}, not {value}");
    }
}

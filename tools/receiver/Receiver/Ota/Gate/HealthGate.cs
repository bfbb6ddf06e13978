using System.Globalization;
using NodeFirmware.Receiver.Vitals;

namespace NodeFirmware.Receiver.Ota.Gate;

public enum GateOutcome
{
    /// <summary>The updated cohort is no worse than the baseline beyond the thresholds: the next stage may start.</summary>
    Promote,
    /// <summary>Not enough devices (or drain trends) on one side to judge: keep dwelling, do not promote.</summary>
    Wait,
    /// <summary>A signal is worse beyond its threshold: halt.</summary>
    Breach,
}

/// <summary>A stage's verdict; <see cref="Signal"/> and the values name the breached signal (or the one that lacked data).</summary>
public sealed record GateVerdict(GateOutcome Outcome, string? Signal, double? Updated, double? Baseline, string Detail);

/// <summary>
/// Compares the health of the devices updated in a campaign (their vitals since each one updated) with the devices on
/// the same board not updated yet, over the same time, signal by signal: crash-free rate, reconnect rate,
/// wake-to-publish time, battery drain per day.
/// </summary>
public static class HealthGate
{
    public const string CrashFree = "crash_free_rate";
    public const string Reconnects = "reconnect_rate";
    public const string WakeToPublish = "wake_to_publish";
    public const string Drain = "battery_drain";

    public static GateVerdict Judge(CohortHealth updated, CohortHealth baseline, HealthThresholds t)
    {
        if (updated.Devices < t.MinDevices || baseline.Devices < t.MinDevices)
            return new GateVerdict(GateOutcome.Wait, null, updated.Devices, baseline.Devices,
                $"waiting: {updated.Devices} updated and {baseline.Devices} not-updated devices reported vitals, {t.MinDevices} needed on each side");

        if (updated.CrashFreeRate is { } cu && baseline.CrashFreeRate is { } cb && cb - cu > t.CrashFreeDrop)
            return Breach(CrashFree, cu, cb, $"crash-free rate {Pct(cu)} vs {Pct(cb)} on the not-updated devices (down {Pct(cb - cu)}, limit {Pct(t.CrashFreeDrop)})");

        if (updated.ReconnectsPerDay is { } ru && baseline.ReconnectsPerDay is { } rb && ru > rb * t.ReconnectRatio + t.ReconnectSlackPerDay)
            return Breach(Reconnects, ru, rb, $"reconnects {F(ru)}/device-day vs {F(rb)} on the not-updated devices (limit ×{F(t.ReconnectRatio)} + {F(t.ReconnectSlackPerDay)})");

        if (updated.WakeToPublishMs is { } wu && baseline.WakeToPublishMs is { } wb && wu > wb * t.WakeToPublishRatio)
            return Breach(WakeToPublish, wu, wb, $"wake-to-publish median {F(wu)} ms vs {F(wb)} ms on the not-updated devices ({Change(wu, wb)}, limit ×{F(t.WakeToPublishRatio)})");

        // Drain needs a trend (BatteryDrain: 3 samples over 6 h) from enough devices on both sides before it can clear a stage.
        if (updated.DrainDevices < t.MinDevices || baseline.DrainDevices < t.MinDevices)
            return new GateVerdict(GateOutcome.Wait, Drain, updated.DrainDevices, baseline.DrainDevices,
                $"waiting: battery drain trends from {updated.DrainDevices} updated and {baseline.DrainDevices} not-updated devices, {t.MinDevices} needed on each side");
        double du = updated.DrainMillivoltsPerDay!.Value, db = baseline.DrainMillivoltsPerDay!.Value;
        // A charging baseline (negative drain) gives no ratio to scale; any positive drain above zero then counts against zero.
        if (du > Math.Max(db, 0) * t.DrainRatio && du > 0)
            return Breach(Drain, du, db, $"battery drain median {F(du)} mV/day vs {F(db)} mV/day on the not-updated devices ({Change(du, db)}, limit ×{F(t.DrainRatio)})");

        return new GateVerdict(GateOutcome.Promote, null, null, null,
            $"healthy: {updated.Devices} updated vs {baseline.Devices} not-updated devices within the thresholds");
    }

    private static GateVerdict Breach(string signal, double updated, double baseline, string detail) =>
        new(GateOutcome.Breach, signal, updated, baseline, signal + ": " + detail);

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    private static string Pct(double v) => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
    private static string Change(double updated, double baseline) =>
        baseline > 0 ? (updated >= baseline ? "+" : "") + ((updated / baseline - 1) * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "baseline 0";
}

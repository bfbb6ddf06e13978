using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Ota.Gate;

/// <summary>Takes a health-gated campaign through its first stage on a healthy fleet, in the test's time.</summary>
public static class GatedCampaigns
{
    /// <summary>Stages 10 → 50 → 100 %, a 7 h dwell (drain needs a 6 h trend), every stage's devices offered within a minute, one device per side.</summary>
    public static RolloutPlan QuickPlan { get; } = new([10, 50, 100], TimeSpan.FromHours(7), 1000, new HealthThresholds(MinDevices: 1));

    /// <summary>
    /// From <paramref name="time"/>'s now: the first stage's devices finish a minute later, every device of the campaign
    /// sends hourly statuses for 8 h (healthy; the updated ones <paramref name="panics"/> picks panic each hour),
    /// and the engine, ticked at the end, judges the stage: promotes it, or halts it on the crash-free rate.
    /// </summary>
    public static async Task PassFirstStageAsync(CampaignEngine engine, FixedTimeProvider time, ITelemetryStore telemetry, string campaignId,
        Func<string, bool>? panics = null)
    {
        var start = time.Now;
        time.Now = start.AddMinutes(1);
        await engine.TickAsync();
        var c = (await engine.GetAsync(campaignId))!;
        foreach (var d in c.InWave(0)) await engine.Result(d.DeviceId, campaignId, true, c.TargetVersion);
        for (int hour = 0; hour <= 8; hour++)
        {
            var batch = new WriteBatch();
            var at = start.AddHours(hour);
            foreach (var d in c.Devices.Values)
            {
                long panicked = d.Wave == 0 && panics?.Invoke(d.DeviceId) == true ? hour : 0;
                var vitals = new DeviceVitals(Boots: 1 + panicked, Panics: panicked, UptimeSeconds: hour * 3600, Reconnects: hour / 12, WakeToPublish: new WakeToPublish(1800, null, null, null, null, null));
                batch.Statuses.Add(new StatusUpdate(d.DeviceId, new DeviceStatus("sleeping", Firmware: "1.0.0", BatteryMillivolts: 4100 - 40 * hour / 24,
                    Vitals: vitals), at));
            }
            await telemetry.WriteAsync(batch);
        }
        time.Now = start.AddHours(8);
        await engine.TickAsync();
    }
}

using NodeFirmware.Receiver.Ota;

namespace NodeFirmware.Receiver.Vitals;

/// <summary>
/// One device's firmware history and its boot and rollback events (docs/receiver.md, "Device history"), from what the
/// receiver has: its status samples (device_vitals) and its entries in the OTA campaigns. Newest first.
/// <list type="bullet">
/// <item>a firmware run is a stretch of consecutive samples reporting the same version: when it was first and last seen;</item>
/// <item>a reset event is a rise of the boot counter between two samples, with the brown-outs, watchdog resets and
/// panics among the new boots (a counter below its previous value means the journal began a new epoch: its value is
/// then the rise, as in <see cref="CohortHealth"/>);</item>
/// <item>a firmware event is a change of the version between two samples;</item>
/// <item>an OTA event is a campaign result of the device: rolled back or failed (with the device's reason), or succeeded.</item>
/// <item>the backlog is the journal backlog the statuses reported: the newest and the largest (<see cref="JournalBacklog"/>).</item>
/// </list>
/// </summary>
public static class DeviceHistory
{
    public static DeviceHistoryResponse From(string deviceId, long from, long to, IReadOnlyList<VitalsSample> samples, IEnumerable<Campaign> campaigns, int limit)
    {
        var runs = new List<FirmwareRun>();
        var events = new List<DeviceEvent>();
        VitalsSample? previous = null;
        foreach (var s in samples.OrderBy(s => s.ReceivedAtMs))
        {
            long at = s.ReceivedAtMs / 1000;
            if (runs.Count == 0 || runs[^1].Version != s.Firmware) runs.Add(new FirmwareRun(s.Firmware, at, at, 1));
            else runs[^1] = runs[^1] with { Until = at, Samples = runs[^1].Samples + 1 };
            if (previous is { } p)
            {
                if (p.Firmware != s.Firmware) events.Add(new DeviceEvent(at, "firmware", s.Firmware, $"{p.Firmware} → {s.Firmware}"));
                long boots = Rise(p.Boots, s.Boots);
                if (boots > 0)
                {
                    long brownouts = Rise(p.Brownouts, s.Brownouts), watchdogs = Rise(p.Watchdogs, s.Watchdogs), panics = Rise(p.Panics, s.Panics);
                    events.Add(new DeviceEvent(at, brownouts + watchdogs + panics > 0 ? "crash" : "reset", s.Firmware,
                        ResetDetail(boots, brownouts, watchdogs, panics, s.Boots < p.Boots), boots, brownouts, watchdogs, panics));
                }
            }
            previous = s;
        }

        var ota = new List<DeviceOtaEntry>();
        foreach (var c in campaigns)
        {
            if (!c.Devices.TryGetValue(deviceId, out var d)) continue;
            string state = d.State.ToString().ToLowerInvariant();
            ota.Add(new DeviceOtaEntry(c.Id, c.Name, c.TargetVersion, state, d.ReportedFirmware, d.OfferedAt, d.FinishedAt, d.Reason));
            if (d.FinishedAt is not { } finished || d.State is not (DeviceOtaState.RolledBack or DeviceOtaState.Failed or DeviceOtaState.Succeeded)) continue;
            long at = finished.ToUnixTimeSeconds();
            if (at < from || at >= to) continue;
            string kind = d.State switch { DeviceOtaState.RolledBack => "rollback", DeviceOtaState.Failed => "ota-failed", _ => "ota-succeeded" };
            string running = d.ReportedFirmware is null ? "" : $", runs {d.ReportedFirmware}";
            events.Add(new DeviceEvent(at, kind, d.ReportedFirmware, $"{c.TargetVersion} ({c.Name}){running}{(d.Reason is null ? "" : ": " + d.Reason)}"));
        }

        return new DeviceHistoryResponse(deviceId, from, to, samples.Count,
            Enumerable.Reverse(runs).Take(limit).ToList(),
            ota.OrderByDescending(o => o.OfferedAt ?? DateTimeOffset.MinValue).Take(limit).ToList(),
            events.OrderByDescending(e => e.At).Take(limit).ToList(),
            JournalBacklog.From(samples));
    }

    private static long Rise(long before, long after) => after >= before ? after - before : after;

    private static string ResetDetail(long boots, long brownouts, long watchdogs, long panics, bool newEpoch)
    {
        var reasons = new List<string>();
        if (brownouts > 0) reasons.Add($"{brownouts} brown-out");
        if (watchdogs > 0) reasons.Add($"{watchdogs} watchdog");
        if (panics > 0) reasons.Add($"{panics} panic");
        string text = boots == 1 ? "1 boot" : $"{boots} boots";
        if (reasons.Count > 0) text += ": " + string.Join(", ", reasons);
        return newEpoch ? text + " (new journal epoch)" : text;
    }
}

/// <summary>A stretch of samples reporting one version: first and last seen (Unix seconds).</summary>
public sealed record FirmwareRun(string Version, long Since, long Until, int Samples);

/// <summary>A campaign the device was in, and how it ended for it.</summary>
public sealed record DeviceOtaEntry(string CampaignId, string Campaign, string TargetVersion, string State, string? ReportedFirmware,
    DateTimeOffset? OfferedAt, DateTimeOffset? FinishedAt, string? Reason);

/// <summary>kind: reset, crash, firmware, rollback, ota-failed or ota-succeeded; the counts only for reset and crash.</summary>
public sealed record DeviceEvent(long At, string Kind, string? Firmware, string Detail, long? Boots = null, long? Brownouts = null,
    long? Watchdogs = null, long? Panics = null);

public sealed record DeviceHistoryResponse(string DeviceId, long From, long To, int SamplesRead, IReadOnlyList<FirmwareRun> Firmware,
    IReadOnlyList<DeviceOtaEntry> Ota, IReadOnlyList<DeviceEvent> Events, JournalBacklog? Backlog);

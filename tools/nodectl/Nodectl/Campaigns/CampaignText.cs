using System.Globalization;

namespace NodeFirmware.Nodectl.Campaigns;

/// <summary>The human-readable form of campaigns: a summary block, the devices as a table, a list as one line each.</summary>
public static class CampaignText
{
    /// <summary>Devices listed in full up to this many; beyond it the counts say the rest (--json has every device).</summary>
    public const int MaxDevicesShown = 200;

    public static void Describe(CampaignInfo c, TextWriter o)
    {
        o.WriteLine($"campaign {c.Id} \"{c.Name}\": {c.State}");
        if (c.StateReason is { } reason) o.WriteLine($"  reason        {reason}");
        if (c.TrustProblem is { } trust) o.WriteLine($"  NOT SERVED    {trust}");
        o.WriteLine($"  target        {c.TargetVersion}{(c.Downgrade ? $" (downgrade, counter {c.DowngradeCounter})" : "")}");
        if (c.RollbackOf is { } of) o.WriteLine($"  rollback of   {of}");
        if (c.Rollback is { } r)
            o.WriteLine($"  rollback      {r.Version} (counter {r.DowngradeCounter}): " +
                (r.CampaignId is null ? "offered to the updated devices if it halts" : $"campaign {r.CampaignId} {r.State}, {Counts(r.Counts!)}"));
        o.WriteLine($"  cohort        {Cohort(c.Cohort)}");
        if (c.Gate is { } gate) Gate(gate, c, o);
        else o.WriteLine($"  rules         canary {Number(c.CanaryPercent)} %, success threshold {Number(c.SuccessThreshold)}, window {c.WindowSeconds} s");
        o.WriteLine($"  devices       {Counts(c.Counts)}");
        if (c.Gate is null) o.WriteLine($"  canary wave   {Counts(c.Canary)}");
        o.WriteLine($"  updated       {c.UpdatedAt:u} (created {c.CreatedAt:u})");
        if (c.Devices is not { Count: > 0 } devices) return;
        o.WriteLine($"  {"device",-20} {"wave",-7} {"state",-12} {"progress",8}  reason");
        foreach (var d in devices.Take(MaxDevicesShown))
            o.WriteLine($"  {d.DeviceId,-20} {d.Wave,-7} {d.State,-12} {Number(d.Percent) + " %",8}  {d.Reason}".TrimEnd());
        if (devices.Count > MaxDevicesShown) o.WriteLine($"  … and {devices.Count - MaxDevicesShown} more (--json lists every device)");
    }

    /// <summary>A gated campaign's plan, thresholds, the stage it is in and one line per stage with its last verdict.</summary>
    private static void Gate(CampaignGateInfo g, CampaignInfo c, TextWriter o)
    {
        var t = g.Thresholds;
        o.WriteLine($"  rules         health-gated stages {string.Join(" → ", g.StagePercents.Select(Number))} %, dwell {g.DwellSeconds} s, " +
            $"{Number(g.DevicesPerMinute)} devices/min, success threshold {Number(c.SuccessThreshold)}, window {c.WindowSeconds} s");
        o.WriteLine($"  thresholds    crash-free drop {Number(t.CrashFreeDrop)}, reconnects ×{Number(t.ReconnectRatio)} + {Number(t.ReconnectSlackPerDay)}/day, " +
            $"wake-to-publish ×{Number(t.WakeToPublishRatio)}, drain ×{Number(t.DrainRatio)}, at least {t.MinDevices} device{(t.MinDevices == 1 ? "" : "s")} a side");
        string status = g.Stages.FirstOrDefault(s => s.Number == g.Stage)?.Status ?? "";
        o.WriteLine($"  stage         {g.Stage} of {g.StagePercents.Count} ({Number(g.StagePercents.ElementAtOrDefault(g.Stage - 1))} %), {status}; " +
            $"{g.Offered} offered, {g.Updated} updated" + (g.JudgedFrom is { } at ? $", judged from {at:u}" : ""));
        foreach (var s in g.Stages)
            o.WriteLine($"  stage {s.Number,-8}{Number(s.Percent) + " %",6}  {s.Status,-8} {s.Devices} devices: {s.Offered} offered, {s.Updated} updated, {s.Failed} failed" +
                (s.Judgement is { } j ? $"; {j.Outcome}: {j.Reason}" : ""));
    }

    public static void List(IReadOnlyList<CampaignInfo> campaigns, TextWriter o)
    {
        if (campaigns.Count == 0)
        {
            o.WriteLine("no campaigns");
            return;
        }
        o.WriteLine($"{"id",-26} {"state",-10} {"target",-14} {"devices",7} {"ok",5} {"failed",6}  name");
        foreach (var c in campaigns)
            o.WriteLine($"{c.Id,-26} {c.State,-10} {c.TargetVersion,-14} {c.Counts.Total,7} {c.Counts.Succeeded,5} {c.Counts.Failed + c.Counts.RolledBack,6}  {c.Name}");
    }

    private static string Cohort(CampaignCohort c)
    {
        var parts = new List<string>();
        if (c.Board is { } b) parts.Add("board " + b);
        if (c.Firmware is { } f) parts.Add("running " + f);
        if (c.Tags is { Count: > 0 } t) parts.Add("tags " + string.Join(',', t));
        return parts.Count == 0 ? "every device" : string.Join(", ", parts);
    }

    private static string Counts(CampaignCounts n) =>
        $"{n.Total} total: {n.Waiting} waiting, {n.InFlight} in flight, {n.Succeeded} succeeded, {n.Failed} failed, {n.RolledBack} rolled back, {n.Cancelled} cancelled";

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

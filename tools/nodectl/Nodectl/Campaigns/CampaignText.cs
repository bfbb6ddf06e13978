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
        o.WriteLine($"  rules         canary {Number(c.CanaryPercent)} %, success threshold {Number(c.SuccessThreshold)}, window {c.WindowSeconds} s");
        o.WriteLine($"  devices       {Counts(c.Counts)}");
        o.WriteLine($"  canary wave   {Counts(c.Canary)}");
        o.WriteLine($"  updated       {c.UpdatedAt:u} (created {c.CreatedAt:u})");
        if (c.Devices is not { Count: > 0 } devices) return;
        o.WriteLine($"  {"device",-20} {"wave",-6} {"state",-12} {"progress",8}  reason");
        foreach (var d in devices.Take(MaxDevicesShown))
            o.WriteLine($"  {d.DeviceId,-20} {d.Wave,-6} {d.State,-12} {Number(d.Percent) + " %",8}  {d.Reason}".TrimEnd());
        if (devices.Count > MaxDevicesShown) o.WriteLine($"  … and {devices.Count - MaxDevicesShown} more (--json lists every device)");
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

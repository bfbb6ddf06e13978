using System.Globalization;
using NodeFirmware.Core.Energy;

namespace NodeFirmware.Nodectl.Energy;

/// <summary>Prints an <see cref="EnergyPlan"/>: charge per day, battery life, the share of each phase, and the baseline.</summary>
public static class EnergyReportWriter
{
    public static void Write(EnergyPlan plan, TextWriter o)
    {
        var c = plan.Config;
        var e = plan.Estimate;
        o.WriteLine($"board {plan.Profile.Name}: sample every {c.SampleIntervalSeconds} s, report every {c.ReportIntervalSeconds} s, listen {c.ListenWindowMilliseconds} ms, batch <= {c.MaxBatchReadings} readings ({plan.BatchMessageBytes} bytes)");
        o.WriteLine($"per day: {F(plan.Duty.BootsPerDay, 0)} boots, {F(plan.Duty.SamplesPerDay, 0)} samples, {F(plan.Duty.ConnectionsPerDay, 1)} connections, {F(plan.Duty.MessagesPerDay, 0)} messages, {(plan.Duty.LightSleepShare > 0 ? "light" : "deep")} sleep between samples");
        o.WriteLine();
        o.WriteLine($"{"phase",-10} {"mAh/day",10} {"share",7}");
        foreach (var (name, mah) in Phases(e))
        {
            o.WriteLine($"{name,-10} {F(mah, 3),10} {F(Share(mah, e.TotalMahPerDay), 1) + " %",7}");
        }
        o.WriteLine($"{"total",-10} {F(e.TotalMahPerDay, 3),10}   (average {F(e.AverageMilliamps, 3)} mA)");
        o.WriteLine();
        o.WriteLine(BatteryLine("NodeFirmware", plan.Profile, e));
        o.WriteLine(BatteryLine("connect-per-reading", plan.Profile, plan.Baseline) + $" ({F(plan.Baseline.TotalMahPerDay, 2)} mAh/day)");
        o.WriteLine($"batching and deep sleep use {F(plan.ImprovementFactor, 1)}x less charge than connecting for every reading");
    }

    public static IEnumerable<(string Name, double Mah)> Phases(EnergyEstimate e)
    {
        yield return ("boot", e.BootMah);
        yield return ("sample", e.SampleMah);
        yield return ("connect", e.ConnectMah);
        yield return ("publish", e.PublishMah);
        yield return ("listen", e.ListenMah);
        yield return ("sleep", e.SleepMah);
        if (e.FailedConnectMah > 0) yield return ("failed", e.FailedConnectMah); // attempts charged at Core's ConnectLimits
    }

    public static double Share(double part, double total) => total > 0 ? 100.0 * part / total : 0;

    private static string BatteryLine(string label, PowerProfile p, EnergyEstimate e) =>
        p.BatteryCapacityMilliampHours > 0
            ? $"{label + ":",-21} {F(e.BatteryLifeDays, 0)} days on {F(p.BatteryCapacityMilliampHours, 0)} mAh x {F(p.BatteryUsableFraction, 2)} usable"
            : $"{label + ":",-21} no battery on this board (give --battery-mah for a what-if)";

    private static string F(double v, int decimals) => v.ToString("F" + decimals, CultureInfo.InvariantCulture);
}

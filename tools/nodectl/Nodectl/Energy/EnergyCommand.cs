using System.CommandLine;
using System.Text.Json;
using NodeFirmware.Core.Config;
using NodeFirmware.HostCommon.Boards;

namespace NodeFirmware.Nodectl.Energy;

/// <summary><c>nodectl energy --board &lt;name&gt; [--sample-s 60 --report-s 900 ...]</c>: expected charge per day and battery life.</summary>
public static class EnergyCommand
{
    public static Command Create() => Create(BoardCatalog.Default);

    /// <summary>The command with boards looked up in a given catalog (tests point it at the checkout).</summary>
    public static Command Create(Func<BoardCatalog> catalog)
    {
        var defaults = new DeviceConfig();
        var board = new Option<string>("--board") { Description = "board name in boards/ (its power profile is used)", Required = true };
        var sample = new Option<int>("--sample-s") { Description = "seconds between readings", DefaultValueFactory = _ => defaults.SampleIntervalSeconds };
        var report = new Option<int>("--report-s") { Description = "seconds between connections (batches)", DefaultValueFactory = _ => defaults.ReportIntervalSeconds };
        var listen = new Option<int>("--listen-ms") { Description = "time connected after publishing, for config and commands", DefaultValueFactory = _ => defaults.ListenWindowMilliseconds };
        var batch = new Option<int>("--batch") { Description = "most readings per telemetry message", DefaultValueFactory = _ => defaults.MaxBatchReadings };
        var lightBelow = new Option<int>("--light-below-s") { Description = "intervals shorter than this use light sleep", DefaultValueFactory = _ => defaults.LightSleepBelowSeconds };
        var batteryMah = new Option<double?>("--battery-mah") { Description = "battery capacity instead of the board file's" };
        var json = new Option<bool>("--json") { Description = "print the figures as JSON" };
        var command = new Command("energy", "expected mAh/day and battery life of a board for a configuration") { board, sample, report, listen, batch, lightBelow, batteryMah, json };
        command.SetAction(result =>
        {
            try
            {
                var b = catalog().Load(result.GetValue(board)!);
                var profile = b.ToPowerProfile();
                if (result.GetValue(batteryMah) is double mah)
                {
                    if (!double.IsFinite(mah) || mah <= 0) throw new ArgumentException($"--battery-mah {mah} must be positive");
                    profile.BatteryCapacityMilliampHours = mah;
                }
                var config = new DeviceConfig
                {
                    SampleIntervalSeconds = result.GetValue(sample),
                    ReportIntervalSeconds = result.GetValue(report),
                    ListenWindowMilliseconds = result.GetValue(listen),
                    MaxBatchReadings = result.GetValue(batch),
                    LightSleepBelowSeconds = result.GetValue(lightBelow),
                };
                var plan = EnergyPlan.For(profile, config);
                var output = result.InvocationConfiguration.Output;
                if (result.GetValue(json)) output.WriteLine(ToJson(plan));
                else EnergyReportWriter.Write(plan, output);
                return 0;
            }
            catch (Exception e) when (e is BoardFileException or ArgumentException)
            {
                result.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    public static string ToJson(EnergyPlan plan)
    {
        var e = plan.Estimate;
        var doc = new
        {
            board = plan.Profile.Name,
            sampleSeconds = plan.Config.SampleIntervalSeconds,
            reportSeconds = plan.Config.ReportIntervalSeconds,
            batchMessageBytes = plan.BatchMessageBytes,
            mahPerDay = e.TotalMahPerDay,
            averageMilliamps = e.AverageMilliamps,
            batteryLifeDays = e.BatteryLifeDays,
            phases = EnergyReportWriter.Phases(e).ToDictionary(p => p.Name, p => new { mah = p.Mah, sharePercent = EnergyReportWriter.Share(p.Mah, e.TotalMahPerDay) }),
            baseline = new { mahPerDay = plan.Baseline.TotalMahPerDay, batteryLifeDays = plan.Baseline.BatteryLifeDays },
            improvementFactor = plan.ImprovementFactor,
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }
}

using NodeFirmware.Bench.Wire;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.Core.Link;
using NodeFirmware.HostCommon.Boards;

namespace NodeFirmware.Bench.Energy;

/// <summary>
/// mAh/day of the reference profile (sample every 60 s, report every 15 min) on a board's power profile
/// (boards/*.json; every number carries its source there) against "wake, connect, publish each reading,
/// deep sleep" on the same board, and what failed connection attempts add. Usage: bench energy [--board firebeetle-esp32] [--sample-s 60] [--report-s 900]
/// [--w2p TOTAL,JOIN,DHCP,TLS,CONNECT,PUBLISH] (a wake a device measured, as its status vitals carry it)
/// </summary>
public static class EnergyBenchmark
{
    public static int Run(string[] args)
    {
        int i = Array.IndexOf(args, "--board");
        string boardName = i >= 0 && i + 1 < args.Length ? args[i + 1] : "firebeetle-esp32";
        var profile = BoardCatalog.Default().Load(boardName).ToPowerProfile();
        if (profile.BatteryCapacityMilliampHours <= 0) profile.BatteryCapacityMilliampHours = 2000; // USB boards: a what-if cell
        var reference = new DeviceConfig
        {
            SampleIntervalSeconds = WireBenchmark.IntArg(args, "--sample-s", 60),
            ReportIntervalSeconds = WireBenchmark.IntArg(args, "--report-s", 900),
        };
        var config = EnergyModel.TunedForBoard(reference, profile);
        int batchBytes = 60 + 8 * (config.ReportIntervalSeconds / config.SampleIntervalSeconds);
        var ours = EnergyModel.Estimate(profile, EnergyModel.ForConfig(config, batchBytes));
        var naive = EnergyModel.Estimate(profile, EnergyModel.ConnectPerReading(config.SampleIntervalSeconds, 170));
        Console.WriteLine($"RESULT energy board={profile.Name} sample_s={config.SampleIntervalSeconds} report_s={config.ReportIntervalSeconds} " +
                          $"deep_sleep_break_even_s={EnergyModel.DeepSleepBreakEvenSeconds(profile):0} mah_per_day={ours.TotalMahPerDay:0.00} " +
                          $"baseline_mah_per_day={naive.TotalMahPerDay:0.00} ratio={ours.TotalMahPerDay / naive.TotalMahPerDay:0.000} goal<=0.2 " +
                          $"battery_days={ours.BatteryLifeDays:0} baseline_battery_days={naive.BatteryLifeDays:0}");
        Console.WriteLine($"RESULT energy_phases board={profile.Name} boot={ours.BootMah:0.00} sample={ours.SampleMah:0.00} connect={ours.ConnectMah:0.00} " +
                          $"publish={ours.PublishMah:0.00} listen={ours.ListenMah:0.00} sleep={ours.SleepMah:0.00} mah_per_day");
        PrintLinkFailures(profile, EnergyModel.ForConfig(config, batchBytes), ours);
        int w = Array.IndexOf(args, "--w2p");
        int[]? w2p = w >= 0 && w + 1 < args.Length ? args[w + 1].Split(',').Select(int.Parse).ToArray() : null;
        WakeToPublishReport.Print(profile, config, EnergyModel.ForConfig(config, batchBytes), naive, w2p);
        return 0;
    }

    /// <summary>Link-failure rates the failure lines are printed for (share of connection attempts that fail).</summary>
    public static readonly double[] FailureRates = { 0.05, 0.2, 0.5 };

    /// <summary>
    /// The cost of failed connection attempts, each charged at the device's bound (Core's ConnectLimits): one line
    /// per failure rate and place (no Wi-Fi: the join runs out; no broker: Wi-Fi joins, the MQTT connect runs out).
    /// </summary>
    private static void PrintLinkFailures(PowerProfile profile, DutyCycle duty, EnergyEstimate clean)
    {
        foreach (bool wifiFails in new[] { true, false })
        {
            foreach (double rate in FailureRates)
            {
                var d = EnergyModel.WithLinkFailures(duty, rate, wifiFails);
                var e = EnergyModel.Estimate(profile, d);
                double failedPerDay = d.FailedWifiJoinsPerDay + d.FailedBrokerConnectsPerDay;
                int boundMs = wifiFails ? ConnectLimits.WifiJoinWorstMillis : (int)profile.WifiConnectMilliseconds + ConnectLimits.MqttConnectMillis;
                Console.WriteLine($"RESULT energy_link_failures board={profile.Name} fails_at={(wifiFails ? "wifi" : "broker")} failure_rate={rate:0.00} " +
                                  $"failed_attempts_per_day={failedPerDay:0.0} attempt_bound_ms={boundMs} failed_mah_per_day={e.FailedConnectMah:0.00} " +
                                  $"mah_per_day={e.TotalMahPerDay:0.00} increase={e.TotalMahPerDay / clean.TotalMahPerDay - 1:P0} battery_days={e.BatteryLifeDays:0}");
            }
        }
    }
}

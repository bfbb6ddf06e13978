using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;

namespace NodeFirmware.Bench.Energy;

/// <summary>
/// The wake-to-first-PUBACK phases before the change (every wake runs DHCP and subscribes again) and after it
/// (the address and the broker session are kept; the Wi-Fi scan and the full TLS handshake stay, see
/// docs/device-apis.md "Wake to publish"), and the energy per day each gives against the naive design.
/// </summary>
public static class WakeToPublishReport
{
    public static void Print(PowerProfile profile, DeviceConfig config, DutyCycle duty, EnergyEstimate naive, int[]? measuredW2p)
    {
        var before = NetworkReuse.None();
        var after = NetworkReuse.Firmware(config);
        var phasesBefore = WakeToPublish.Phases(profile, before);
        var phasesAfter = WakeToPublish.Phases(profile, after);
        var energyBefore = EnergyModel.Estimate(WakeToPublish.ProfileWith(profile, before), WakeToPublish.DutyWith(duty, before));
        var energyAfter = EnergyModel.Estimate(WakeToPublish.ProfileWith(profile, after), WakeToPublish.DutyWith(duty, after));
        PrintPhases(profile.Name, "before", phasesBefore, energyBefore);
        PrintPhases(profile.Name, "after", phasesAfter, energyAfter);
        Console.WriteLine($"RESULT wake_to_publish board={profile.Name} before_s={phasesBefore.TotalMilliseconds / 1000:0.000} after_s={phasesAfter.TotalMilliseconds / 1000:0.000} " +
                          $"mah_per_day_before={energyBefore.TotalMahPerDay:0.00} mah_per_day_after={energyAfter.TotalMahPerDay:0.00} saved_mah_per_day={energyBefore.TotalMahPerDay - energyAfter.TotalMahPerDay:0.00} " +
                          $"baseline_mah_per_day={naive.TotalMahPerDay:0.00} energy_ratio_before={energyBefore.TotalMahPerDay / naive.TotalMahPerDay:0.000} " +
                          $"energy_ratio={energyAfter.TotalMahPerDay / naive.TotalMahPerDay:0.000} goal<=0.12 " +
                          $"floor_ratio={Floor(energyAfter) / naive.TotalMahPerDay:0.000} battery_days_before={energyBefore.BatteryLifeDays:0} battery_days_after={energyAfter.BatteryLifeDays:0}");
        PrintMeasured(profile, duty, after, phasesAfter, naive, measuredW2p);
    }

    /// <summary>
    /// The same day with the connect phases a device measured (the status vitals' "w2p", e.g. from the receiver's device
    /// page), so the model's prediction can be held against the field; without one, the model's own after-phases go
    /// through the same path, which must give the after figure back.
    /// </summary>
    private static void PrintMeasured(PowerProfile profile, DutyCycle duty, NetworkReuse after, WakePhases phasesAfter, EnergyEstimate naive, int[]? w2p)
    {
        string source = w2p == null ? "model" : "vitals";
        w2p ??= [(int)Math.Round(phasesAfter.TotalMilliseconds), (int)Math.Round(phasesAfter.WifiJoinMilliseconds), (int)Math.Round(phasesAfter.DhcpMilliseconds),
            (int)Math.Round(phasesAfter.TlsHandshakeMilliseconds), (int)Math.Round(phasesAfter.MqttConnectMilliseconds), (int)Math.Round(phasesAfter.PublishMilliseconds)];
        var measured = WakeToPublish.FromVitals(w2p);
        var energy = EnergyModel.Estimate(WakeToPublish.ProfileWith(profile, measured), WakeToPublish.DutyWith(duty, after));
        Console.WriteLine($"RESULT wake_to_publish_measured board={profile.Name} source={source} w2p={string.Join(",", w2p)} total_s={measured.TotalMilliseconds / 1000:0.000} " +
                          $"connect_mah_per_day={energy.ConnectMah:0.00} mah_per_day={energy.TotalMahPerDay:0.00} energy_ratio={energy.TotalMahPerDay / naive.TotalMahPerDay:0.000} battery_days={energy.BatteryLifeDays:0}");
    }

    /// <summary>What the day costs with no connection at all: the part no wake-to-publish saving can reach.</summary>
    private static double Floor(EnergyEstimate e) => e.TotalMahPerDay - e.ConnectMah;

    private static void PrintPhases(string board, string when, WakePhases w, EnergyEstimate e)
    {
        Console.WriteLine($"RESULT wake_to_publish_phases board={board} when={when} wifi_join_ms={w.WifiJoinMilliseconds:0} dhcp_ms={w.DhcpMilliseconds:0} " +
                          $"tls_handshake_ms={w.TlsHandshakeMilliseconds:0} mqtt_connect_ms={w.MqttConnectMilliseconds:0} subscribe_ms={w.SubscribeMilliseconds:0} " +
                          $"publish_ms={w.PublishMilliseconds:0} total_ms={w.TotalMilliseconds:0} connect_mah_per_day={e.ConnectMah:0.00} publish_mah_per_day={e.PublishMah:0.00} " +
                          $"mah_per_day={e.TotalMahPerDay:0.00}");
    }
}

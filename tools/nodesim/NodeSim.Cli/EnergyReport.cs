using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeSim.Hardware;
using NodeSim.Node;

namespace NodeSim.Cli;

/// <summary>What each node spent, phase by phase, beside what Core's energy model predicts for its configuration.</summary>
public static class EnergyReport
{
    public static void Print(IEnumerable<VirtualNode> nodes, PowerProfile profile, DeviceConfig config, double hours, int bytesPerBatch)
    {
        var predicted = EnergyModel.Estimate(profile, EnergyModel.ForConfig(config, bytesPerBatch));
        Console.WriteLine();
        Console.WriteLine($"energy over {hours:0.#} virtual hours ({profile.Name}, {profile.BatteryCapacityMilliampHours:0} mAh battery):");
        Console.WriteLine($"  {"node",-20}{"mAh",9}{"mAh/day",9}{"boot",7}{"sample",7}{"radio",7}{"sleep",7}{"battery",9}{"life d",8}");
        foreach (var n in nodes)
        {
            var b = n.Battery;
            double total = b.SpentMah();
            double perDay = total / hours * 24;
            double radio = b.SpentMah(EnergyPhase.Connect) + b.SpentMah(EnergyPhase.Publish) + b.SpentMah(EnergyPhase.Listen);
            double sleep = b.SpentMah(EnergyPhase.DeepSleep) + b.SpentMah(EnergyPhase.LightSleep);
            double life = perDay > 0 ? profile.BatteryCapacityMilliampHours * profile.BatteryUsableFraction / perDay : 0;
            Console.WriteLine($"  {n.DeviceId,-20}{total,9:0.00}{perDay,9:0.00}{Share(b.SpentMah(EnergyPhase.Boot), total),7}{Share(b.SpentMah(EnergyPhase.Sample), total),7}{Share(radio, total),7}{Share(sleep, total),7}{b.Millivolts,7} mV{life,8:0}");
        }
        Console.WriteLine($"  (sleeps under {config.LightSleepBelowSeconds} s are light sleeps: below this board's deep-sleep break-even)");
        Console.WriteLine($"  energy model for this config: {predicted.TotalMahPerDay:0.00} mAh/day, {predicted.BatteryLifeDays:0} days");
    }

    private static string Share(double part, double total) => total <= 0 ? "-" : $"{100 * part / total:0}%";
}

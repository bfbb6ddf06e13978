using NodeFirmware.Core.Hal;

namespace NodeSim.Hardware;

/// <summary>
/// A single-cell Li-ion battery drained by what the node does: each phase's current for its duration.
/// The voltage the node measures follows the charge left on a typical discharge curve, so the battery
/// level it reports is the consequence of the energy it spent.
/// </summary>
public sealed class SimulatedBattery : IBattery
{
    // Open-circuit voltage by state of charge (0..1), a typical 18650/LiPo curve at room temperature.
    private static readonly (double Charge, int Millivolts)[] Curve =
    [
        (0.00, 3000), (0.05, 3300), (0.10, 3450), (0.20, 3580), (0.30, 3650), (0.40, 3700),
        (0.50, 3750), (0.60, 3800), (0.70, 3880), (0.80, 3960), (0.90, 4060), (1.00, 4180),
    ];

    private readonly double[] _mahByPhase = new double[Enum.GetValues<EnergyPhase>().Length];
    private readonly object _gate = new();

    public SimulatedBattery(double capacityMah, double initialCharge = 1.0)
    {
        if (capacityMah <= 0) throw new ArgumentOutOfRangeException(nameof(capacityMah));
        CapacityMah = capacityMah;
        RemainingMah = capacityMah * Math.Clamp(initialCharge, 0, 1);
    }

    public double CapacityMah { get; }
    public double RemainingMah { get; private set; }
    public double Charge => RemainingMah / CapacityMah;

    public int Millivolts => VoltageAt(Charge);

    public double SpentMah(EnergyPhase phase) { lock (_gate) return _mahByPhase[(int)phase]; }

    public double SpentMah() { lock (_gate) return _mahByPhase.Sum(); }

    public void Drain(EnergyPhase phase, double milliamps, double milliseconds)
    {
        double mah = milliamps * milliseconds / 3_600_000.0;
        lock (_gate)
        {
            _mahByPhase[(int)phase] += mah;
            RemainingMah = Math.Max(0, RemainingMah - mah);
        }
    }

    public static int VoltageAt(double charge)
    {
        charge = Math.Clamp(charge, 0, 1);
        for (int i = 1; i < Curve.Length; i++)
        {
            if (charge > Curve[i].Charge) continue;
            var (c0, v0) = Curve[i - 1];
            var (c1, v1) = Curve[i];
            return (int)Math.Round(v0 + (v1 - v0) * (charge - c0) / (c1 - c0));
        }
        return Curve[^1].Millivolts;
    }
}

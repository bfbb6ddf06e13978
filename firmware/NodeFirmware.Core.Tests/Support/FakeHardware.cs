using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Tests.Support;

/// <summary>A clock the test moves by hand; uptime restarts on a simulated deep-sleep wake.</summary>
public sealed class ManualClock : IClock
{
    public long UnixTimeMillis { get; set; } = 1_764_000_000_000;
    public long BootMillis { get; set; }
    public long UptimeMillis => UnixTimeMillis - BootMillis;
    public long UnixTimeSeconds => UnixTimeMillis / 1000;
    public bool IsTimeValid { get; set; } = true;
    public void Advance(long ms) => UnixTimeMillis += ms;
}

public sealed class FixedBattery : IBattery
{
    public int Millivolts { get; set; } = 4000;
}

/// <summary>A sensor returning scripted values, or failing on demand.</summary>
public sealed class ScriptedSensor : IEnvironmentSensor
{
    public string? FailWith { get; set; }
    public int Measurements { get; private set; }
    public EnvironmentSample Next { get; set; } = new() { CentiCelsius = 2150, CentiPercentRh = 4500, Pascal = 101_325 };

    public bool Configure(SensorSettings settings, out string fault)
    {
        fault = FailWith ?? "";
        return FailWith == null;
    }

    public bool TryMeasure(out EnvironmentSample sample, out string fault)
    {
        sample = Next;
        fault = FailWith ?? "";
        if (FailWith != null) return false;
        Measurements++;
        var n = Next;
        n.CentiCelsius += 1;
        Next = n;
        return true;
    }
}

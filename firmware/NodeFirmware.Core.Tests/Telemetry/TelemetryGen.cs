using CsCheck;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Tests.Telemetry;

/// <summary>Random readings for the batch encoders' round trips; UnixTime holds the seconds since the previous reading.</summary>
public static class TelemetryGen
{
    public static readonly Gen<Reading> Reading =
        Gen.Select(Gen.Int[-4000, 8500], Gen.Int[0, 10000], Gen.Int[30000, 110000], Gen.Int[-1, 4200], Gen.Int[0, 8], Gen.Int[0, 120])
           .Select((t, h, p, b, fault, dt) => new Reading
           {
               Sample = new EnvironmentSample { CentiCelsius = t, CentiPercentRh = h, Pascal = p },
               BatteryMillivolts = b,
               Fault = fault >= 7 ? SensorFault.Timeout : SensorFault.None,
               UnixTime = (uint)dt,
           });
}

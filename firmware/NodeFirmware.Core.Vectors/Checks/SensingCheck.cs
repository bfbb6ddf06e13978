using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Sensing;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// The device's sensing arithmetic. "battery: SUM SAMPLES MAX_COUNT FULL_SCALE_MV DIVIDER_PERMILLE" expects the
    /// millivolts BatteryVoltage gives; "sample: CENTI_C CENTI_RH PASCAL HUMIDITY(0|1) PRESSURE(0|1)" expects
    /// "plausible" or Plausibility's reason.
    /// </summary>
    public static class SensingCheck
    {
        public static string Compute(Vector v)
        {
            if (v.Has("battery"))
            {
                string[] f = Fields.Split(v.Text("battery"), 5, v.Name + ".battery");
                return BatteryVoltage.FromAdc(HexText.ParseLong(f[0], v.Name), (int)HexText.ParseLong(f[1], v.Name), (int)HexText.ParseLong(f[2], v.Name),
                    (int)HexText.ParseLong(f[3], v.Name), (int)HexText.ParseLong(f[4], v.Name)).ToString();
            }
            string[] s = Fields.Split(v.Text("sample"), 5, v.Name + ".sample");
            var sample = new EnvironmentSample();
            sample.CentiCelsius = (int)HexText.ParseLong(s[0], v.Name);
            sample.CentiPercentRh = (int)HexText.ParseLong(s[1], v.Name);
            sample.Pascal = (int)HexText.ParseLong(s[2], v.Name);
            string problem = Plausibility.Check(sample, s[3] == "1", s[4] == "1");
            return problem ?? "plausible";
        }
    }
}

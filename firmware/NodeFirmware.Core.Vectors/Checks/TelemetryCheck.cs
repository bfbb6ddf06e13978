using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// epoch, and one "reading: SEQ TIME FAULT CENTI_C CENTI_RH PASCAL MILLIVOLTS" line per reading
    /// (FAULT a <see cref="SensorFault"/> number, MILLIVOLTS -1 for none); "version: 2" for the packed batch
    /// (absent: version 1), which names no device; version 1 also takes "device". Expect: the batch in hex.
    /// </summary>
    public static class TelemetryCheck
    {
        public static string Compute(Vector v)
        {
            string[] lines = v.All("reading");
            var readings = new Reading[lines.Length];
            for (int i = 0; i < lines.Length; i++) readings[i] = Parse(lines[i], v.Name);
            uint epoch = (uint)v.Long("epoch");
            byte[] batch = v.TextOr("version", "1") == "2"
                ? PackedBatchEncoder.Encode(epoch, readings, 0, readings.Length)
                : TelemetryBatchEncoder.Encode(v.Text("device"), epoch, readings, 0, readings.Length);
            return HexText.Encode(batch);
        }

        private static Reading Parse(string line, string what)
        {
            string[] f = Fields.Split(line, 7, what + ".reading");
            var r = new Reading();
            r.Sequence = (uint)HexText.ParseLong(f[0], what);
            r.UnixTime = (uint)HexText.ParseLong(f[1], what);
            r.Fault = (SensorFault)(int)HexText.ParseLong(f[2], what);
            var s = new EnvironmentSample();
            s.CentiCelsius = (int)HexText.ParseLong(f[3], what);
            s.CentiPercentRh = (int)HexText.ParseLong(f[4], what);
            s.Pascal = (int)HexText.ParseLong(f[5], what);
            r.Sample = s;
            r.BatteryMillivolts = (int)HexText.ParseLong(f[6], what);
            return r;
        }
    }
}

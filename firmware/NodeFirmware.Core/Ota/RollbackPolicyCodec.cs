using NodeFirmware.Core.Cbor;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// CBOR form of <see cref="RollbackPolicy"/>, the file nodectl writes at provisioning from
    /// bootloader-config/rollback-policy.json: a map with text keys "v" (1), "maxTrialBoots" (uint),
    /// "requireSensorRead", "requireBrokerReached", "requireTelemetryAck" (bool). Every key is required and
    /// no other key is accepted, so a typo in the JSON cannot silently fall back to a default.
    /// </summary>
    public static class RollbackPolicyCodec
    {
        public const int FormatVersion = 1;
        public const int MaxEncodedLength = 128;

        public static byte[] Encode(RollbackPolicy p)
        {
            string problem = p.Problem();
            if (problem != null) throw new CborException("rollback policy: " + problem);
            var w = new CborWriter(96);
            w.WriteStartMap(5);
            w.WriteText("v"); w.WriteUInt64(FormatVersion);
            w.WriteText("maxTrialBoots"); w.WriteUInt64((ulong)p.MaxTrialBoots);
            w.WriteText("requireSensorRead"); w.WriteBoolean(p.RequireSensorRead);
            w.WriteText("requireBrokerReached"); w.WriteBoolean(p.RequireBrokerReached);
            w.WriteText("requireTelemetryAck"); w.WriteBoolean(p.RequireTelemetryAck);
            return w.ToArray();
        }

        /// <summary>Throws <see cref="CborException"/> naming what is malformed, missing, unknown or out of range.</summary>
        public static RollbackPolicy Decode(byte[] data)
        {
            if (data == null || data.Length == 0) throw new CborException("rollback policy: empty");
            if (data.Length > MaxEncodedLength) throw new CborException("rollback policy: longer than " + MaxEncodedLength + " bytes");
            var r = new CborReader(data);
            var p = new RollbackPolicy();
            int seen = 0;
            int pairs = r.ReadStartMap();
            for (int i = 0; i < pairs; i++)
            {
                string key = r.ReadText();
                int bit;
                if (key == "v")
                {
                    bit = 1;
                    if (r.ReadUInt64() != FormatVersion) throw new CborException("rollback policy: unsupported version");
                }
                else if (key == "maxTrialBoots")
                {
                    bit = 2;
                    ulong n = r.ReadUInt64();
                    if (n < 1 || n > (ulong)BootStateCodec.MaxAttemptsLimit) throw new CborException("rollback policy: maxTrialBoots " + n + " is not between 1 and " + BootStateCodec.MaxAttemptsLimit);
                    p.MaxTrialBoots = (int)n;
                }
                else if (key == "requireSensorRead") { bit = 4; p.RequireSensorRead = r.ReadBoolean(); }
                else if (key == "requireBrokerReached") { bit = 8; p.RequireBrokerReached = r.ReadBoolean(); }
                else if (key == "requireTelemetryAck") { bit = 16; p.RequireTelemetryAck = r.ReadBoolean(); }
                else throw new CborException("rollback policy: unknown key '" + key + "'");
                if ((seen & bit) != 0) throw new CborException("rollback policy: key '" + key + "' twice");
                seen |= bit;
            }
            if (!r.AtEnd) throw new CborException("rollback policy: trailing bytes");
            if (seen != 31) throw new CborException("rollback policy: missing " + Missing(seen));
            string problem = p.Problem();
            if (problem != null) throw new CborException("rollback policy: " + problem);
            return p;
        }

        /// <summary>
        /// The device's start-up rule: no file (null) gives the defaults; a file that does not decode also gives
        /// the defaults, with <paramref name="problem"/> saying why, so a bad policy file never stops a node from booting.
        /// </summary>
        public static RollbackPolicy DecodeOrDefault(byte[] data, out string problem)
        {
            problem = null;
            if (data == null) return new RollbackPolicy();
            try
            {
                return Decode(data);
            }
            catch (CborException e)
            {
                problem = e.Message + "; using the defaults";
                return new RollbackPolicy();
            }
        }

        private static string Missing(int seen)
        {
            string[] names = { "v", "maxTrialBoots", "requireSensorRead", "requireBrokerReached", "requireTelemetryAck" };
            string missing = "";
            for (int i = 0; i < names.Length; i++)
            {
                if ((seen & (1 << i)) != 0) continue;
                missing += (missing.Length > 0 ? ", " : "") + names[i];
            }
            return missing;
        }
    }
}

using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Vectors.Checks
{
    /// <summary>
    /// The rollback policy file the device reads at boot (bootloader-config/rollback-policy.json, stored as CBOR):
    /// "policy:" in diagnostic notation or "policy-hex:". Expect: the policy in use and, after " | ", the problem
    /// DecodeOrDefault reported ("-" for none): a bad file falls back to the defaults, it never stops the boot.
    /// </summary>
    public static class RollbackPolicyCheck
    {
        public static string Compute(Vector v)
        {
            byte[] data = v.Has("policy") ? CborDiagnostic.Write(v.Text("policy")) : v.Bytes("policy-hex");
            string problem;
            RollbackPolicy p = RollbackPolicyCodec.DecodeOrDefault(data, out problem);
            return "boots " + p.MaxTrialBoots + " sensor " + Flag(p.RequireSensorRead) + " broker " + Flag(p.RequireBrokerReached)
                + " telemetry " + Flag(p.RequireTelemetryAck) + " | " + (problem ?? "-");
        }

        private static string Flag(bool b)
        {
            return b ? "yes" : "no";
        }
    }
}

using System;
using NodeFirmware.Core.Vectors.Checks;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>
    /// Runs every case of a vector file through Core and compares what Core computes with the case's "expect:".
    /// The same code runs on .NET (NodeFirmware.Core.Tests) and on nanoCLR (NodeFirmware.Core.NanoTests), so
    /// both runtimes are held to the same bytes.
    /// </summary>
    public static class VectorRunner
    {
        public static VectorReport Run(VectorFile file)
        {
            var report = new VectorReport();
            if (file.Cases.Length == 0) report.Fail("the file has no cases");
            foreach (Vector v in file.Cases)
            {
                string expected = v.TextOr("expect", null);
                if (expected == null)
                {
                    report.Fail(v.Name + " (line " + v.Line + "): no 'expect:'");
                    continue;
                }
                string actual = ComputeSafely(file.Kind, v);
                if (actual == expected) report.Pass();
                else report.Fail(v.Name + " (line " + v.Line + "): expected '" + expected + "', got '" + actual + "'");
            }
            return report;
        }

        /// <summary>What Core gives for the case, as the text an "expect:" line holds; an exception is part of the answer.</summary>
        public static string ComputeSafely(string kind, Vector v)
        {
            try
            {
                return Compute(kind, v);
            }
            catch (VectorFormatException)
            {
                throw;
            }
            catch (Exception e)
            {
                return "exception " + e.GetType().Name + ": " + e.Message;
            }
        }

        private static string Compute(string kind, Vector v)
        {
            if (kind == "sha") return ShaCheck.Compute(v);
            if (kind == "ed25519") return Ed25519Check.Compute(v);
            if (kind == "crc32") return Crc32Check.Compute(v);
            if (kind == "cbor") return CborCheck.Compute(v);
            if (kind == "telemetry") return TelemetryCheck.Compute(v);
            if (kind == "status") return StatusCheck.Compute(v);
            if (kind == "config") return ConfigCheck.Compute(v);
            if (kind == "scheduler") return SchedulerCheck.Compute(v);
            if (kind == "energy") return EnergyCheck.Compute(v);
            if (kind == "journal") return JournalCheck.Compute(v);
            if (kind == "node") return NodeCheck.Compute(v);
            if (kind == "sensing") return SensingCheck.Compute(v);
            if (kind == "rollback-policy") return RollbackPolicyCheck.Compute(v);
            if (kind == "ota") return OtaCheck.Compute(v);
            if (kind == "message") return MessageCheck.Compute(v);
            if (kind == "provisioning") return ProvisioningCheck.Compute(v);
            if (kind == "factory-reset") return FactoryResetCheck.Compute(v);
            if (kind == "p256") return P256Check.Compute(v);
            throw new VectorFormatException("unknown @kind '" + kind + "'");
        }
    }
}

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// How a new image earns its place: the boots it gets to confirm itself (stored in the boot state when the
    /// install completes, enforced by the Loader) and the health signals that must all be seen before the OTA
    /// client confirms it. Defaults are bootloader-config/boot-policy.md's; a fleet's values come from
    /// bootloader-config/rollback-policy.json, written to the device as CBOR (<see cref="RollbackPolicyCodec"/>).
    /// </summary>
    public class RollbackPolicy
    {
        public int MaxTrialBoots = BootState.DefaultMaxAttempts;
        public bool RequireSensorRead = true;
        public bool RequireBrokerReached = true;
        public bool RequireTelemetryAck = true;

        /// <summary>True when every required signal has been seen.</summary>
        public bool IsHealthy(bool sensorRead, bool brokerReached, bool telemetryAcked)
        {
            return (sensorRead || !RequireSensorRead)
                && (brokerReached || !RequireBrokerReached)
                && (telemetryAcked || !RequireTelemetryAck);
        }

        /// <summary>Null when usable, else what is wrong.</summary>
        public string Problem()
        {
            if (MaxTrialBoots < 1 || MaxTrialBoots > BootStateCodec.MaxAttemptsLimit)
                return "maxTrialBoots " + MaxTrialBoots + " is not between 1 and " + BootStateCodec.MaxAttemptsLimit;
            if (!RequireSensorRead && !RequireBrokerReached && !RequireTelemetryAck)
                return "no health criterion is required: any image that starts would confirm itself";
            return null;
        }

        public RollbackPolicy Clone()
        {
            var p = new RollbackPolicy();
            p.MaxTrialBoots = MaxTrialBoots;
            p.RequireSensorRead = RequireSensorRead;
            p.RequireBrokerReached = RequireBrokerReached;
            p.RequireTelemetryAck = RequireTelemetryAck;
            return p;
        }
    }
}

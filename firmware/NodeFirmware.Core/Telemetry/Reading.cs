using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Telemetry
{
    /// <summary>One sampling of the node: the sensor's values (or the fault that prevented them) and the battery.</summary>
    public class Reading
    {
        /// <summary>Sequence number within the boot epoch; with device id and epoch, the idempotency key.</summary>
        public uint Sequence;

        /// <summary>Unix seconds when sampled; 0 when the clock had not been set.</summary>
        public uint UnixTime;

        /// <summary>None when <see cref="Sample"/> holds values.</summary>
        public SensorFault Fault;

        public EnvironmentSample Sample;

        /// <summary>Battery voltage in millivolts; -1 when the board cannot measure it.</summary>
        public int BatteryMillivolts;
    }
}

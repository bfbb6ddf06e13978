using System;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Node
{
    /// <summary>The hardware a node runs on, as Core's interfaces. The Device project and the virtual node each fill one.</summary>
    public class NodePlatform
    {
        public NodePlatform(IClock clock, IFlash storage, IEnvironmentSensor sensor, IBattery battery, Random random)
        {
            Clock = clock;
            Storage = storage;
            Sensor = sensor;
            Battery = battery;
            Random = random;
        }

        public IClock Clock { get; private set; }

        /// <summary>The node's data storage: sectors 0–1 hold the configuration, the rest the journal.</summary>
        public IFlash Storage { get; private set; }

        public IEnvironmentSensor Sensor { get; private set; }
        public IBattery Battery { get; private set; }
        public Random Random { get; private set; }

        /// <summary>The free-heap gauge; null where the platform has none (the heap vital is then left out).</summary>
        public IMemoryGauge Memory { get; set; }
    }
}

using NodeSim.Node;

namespace NodeFirmware.HilTests.Virtual;

/// <summary>The virtual rig's BME280 socket: unplugging the part is a missing ACK on the node's I2C bus.</summary>
public sealed class SensorSocket(VirtualNode node) : IDisposable
{
    public bool Connected => node.SensorConnected;

    public void Unplug() => node.SensorConnected = false;

    public void PlugIn() => node.SensorConnected = true;

    public void Dispose() { }
}

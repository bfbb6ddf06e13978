using NodeFirmware.Core.Hal;

namespace NodeSim.Hardware;

/// <summary>
/// One node's view of time: while it is awake its time runs ahead of the fleet's by the modelled duration
/// of what it did (boot, sampling, radio); its uptime restarts at every boot, as on the device.
/// </summary>
public sealed class NodeClock : IClock
{
    public NodeClock(long unixMillis) => UnixTimeMillis = unixMillis;

    public long UnixTimeMillis { get; private set; }
    public long BootUnixMillis { get; private set; }

    public long UptimeMillis => UnixTimeMillis - BootUnixMillis;
    public long UnixTimeSeconds => UnixTimeMillis / 1000;

    /// <summary>False after a power loss until the node has synchronised its clock (SNTP on the device).</summary>
    public bool IsTimeValid { get; set; } = true;

    public void Advance(long millis)
    {
        if (millis < 0) throw new ArgumentOutOfRangeException(nameof(millis));
        UnixTimeMillis += millis;
    }

    public void Boot() => BootUnixMillis = UnixTimeMillis;
}

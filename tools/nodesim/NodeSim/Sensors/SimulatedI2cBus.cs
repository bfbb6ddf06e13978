using System.Device.I2c;

namespace NodeSim.Sensors;

/// <summary>An I2C bus whose targets are simulated devices, keyed by 7-bit address.</summary>
public sealed class SimulatedI2cBus : I2cBus
{
    private readonly Dictionary<int, II2cTarget> _targets = new();

    public SimulatedI2cBus(int busId = 1)
    {
        BusId = busId;
    }

    public int BusId { get; }

    public void Attach(int address, II2cTarget target)
    {
        CheckAddress(address);
        if (!_targets.TryAdd(address, target))
        {
            throw new InvalidOperationException($"Address 0x{address:X2} is already taken on bus {BusId}.");
        }
    }

    /// <summary>Creates a handle like I2cDevice.Create; a missing target only shows on transfer.</summary>
    public override I2cDevice CreateDevice(int deviceAddress)
    {
        CheckAddress(deviceAddress);
        return new SimulatedI2cDevice(this, new I2cConnectionSettings(BusId, deviceAddress));
    }

    /// <summary>Detaches the target at the address (the part is unplugged).</summary>
    public override void RemoveDevice(int deviceAddress) => _targets.Remove(deviceAddress);

    /// <summary>Whether a device answers at <paramref name="address"/> (it can be unplugged with <see cref="RemoveDevice"/>).</summary>
    public bool Has(int address) => _targets.ContainsKey(address);

    internal II2cTarget Resolve(int address) =>
        _targets.TryGetValue(address, out var target)
            ? target
            : throw new IOException($"No ACK from address 0x{address:X2} on simulated I2C bus {BusId}.");

    private static void CheckAddress(int address)
    {
        if (address is < 0 or > 0x7F)
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, "I2C addresses are 7 bit.");
        }
    }
}

using System.Device.I2c;
using NodeFirmware.Core.Hal;

namespace NodeSim.Hardware;

/// <summary>
/// Core's <see cref="ISensorProbe"/> for the factory self-test: register 0xD0 read over the I2C bus in one write-then-read
/// transfer, without the driver (which refuses any id but the BME280's, so it could not say what answered instead). A
/// missing part is a missing acknowledge. The device's twin is firmware/NodeFirmware.Device/Bme280Sensor.cs.
/// </summary>
public sealed class Bme280ChipIdProbe(I2cBus bus, int address) : ISensorProbe
{
    private const byte ChipIdRegister = 0xD0;

    public bool TryReadChipId(out int chipId, out string fault)
    {
        chipId = 0;
        try
        {
            using var device = bus.CreateDevice(address);
            Span<byte> id = stackalloc byte[1];
            device.WriteRead([ChipIdRegister], id);
            chipId = id[0];
            fault = null!;
            return true;
        }
        catch (IOException)
        {
            fault = $"no acknowledge at I2C address 0x{address:x2}";
            return false;
        }
    }
}

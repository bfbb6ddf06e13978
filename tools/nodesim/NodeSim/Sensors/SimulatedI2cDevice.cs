using System.Device.I2c;

namespace NodeSim.Sensors;

/// <summary>A System.Device.I2c handle that forwards transfers to a target on a <see cref="SimulatedI2cBus"/>.</summary>
public sealed class SimulatedI2cDevice : I2cDevice
{
    private readonly SimulatedI2cBus _bus;

    public SimulatedI2cDevice(SimulatedI2cBus bus, I2cConnectionSettings settings)
    {
        _bus = bus;
        ConnectionSettings = settings;
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    public override void Read(Span<byte> buffer) => Target.Read(buffer);

    public override void Write(ReadOnlySpan<byte> buffer) => Target.Write(buffer);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        var target = Target;
        target.Write(writeBuffer);
        target.Read(readBuffer);
    }

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public override void WriteByte(byte value) => Write([value]);

    private II2cTarget Target => _bus.Resolve(ConnectionSettings.DeviceAddress);
}

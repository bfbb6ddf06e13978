namespace NodeSim.Sensors;

/// <summary>A device that answers on a simulated I2C bus.</summary>
public interface II2cTarget
{
    /// <summary>
    /// One write transaction (everything between START and STOP/repeated START). The first byte
    /// sets the register pointer; further bytes are interpreted by the device.
    /// </summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>One read transaction starting at the register pointer, auto-incrementing.</summary>
    void Read(Span<byte> buffer);
}

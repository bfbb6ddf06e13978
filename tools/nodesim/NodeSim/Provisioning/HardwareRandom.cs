using System.Security.Cryptography;

namespace NodeSim.Provisioning;

/// <summary>
/// The virtual node's stand-in for the ESP32's hardware RNG behind System.Random on nanoCLR: the operating system's
/// cryptographic generator, handed to Core as the Random it draws the device key from (GENERATE_KEY).
/// </summary>
public sealed class HardwareRandom : Random
{
    public override void NextBytes(byte[] buffer) => RandomNumberGenerator.Fill(buffer);

    public override void NextBytes(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);

    public override int Next() => RandomNumberGenerator.GetInt32(int.MaxValue);

    public override int Next(int maxValue) => RandomNumberGenerator.GetInt32(maxValue);

    public override int Next(int minValue, int maxValue) => RandomNumberGenerator.GetInt32(minValue, maxValue);

    protected override double Sample() => RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;
}

using NodeSim.Hardware;

namespace NodeFirmware.Core.Tests.Support;

/// <summary>The virtual node's NOR flash under the name the Core tests use.</summary>
public sealed class NorFlash : SimulatedNorFlash
{
    public NorFlash(int size, int sectorSize, int seed = 1) : base(size, sectorSize, seed) { }
}

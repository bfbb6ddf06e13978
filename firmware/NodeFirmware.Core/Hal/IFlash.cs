namespace NodeFirmware.Core.Hal
{
    /// <summary>
    /// A region of NOR-like storage. Erased bytes read 0xFF; <see cref="Program"/> can only clear bits
    /// (1 → 0); only <see cref="EraseSector"/> sets them back. A power cut can interrupt any Program or
    /// EraseSector, leaving the affected bytes in any mix of old and new values.
    /// On the device this is a preallocated file on internal storage; in the virtual node, simulated flash.
    /// </summary>
    public interface IFlash
    {
        int Size { get; }

        int SectorSize { get; }

        void Read(int address, byte[] buffer, int offset, int count);

        void Program(int address, byte[] data, int offset, int count);

        void EraseSector(int sectorIndex);
    }
}

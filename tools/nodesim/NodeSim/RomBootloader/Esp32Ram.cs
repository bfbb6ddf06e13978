namespace NodeSim.RomBootloader;

/// <summary>
/// The ESP32's internal SRAM as the ROM loader exposes it: MEM_DATA writes it, READ_REG/WRITE_REG read and write
/// it a 32-bit little-endian word at a time (esptool's read_mem/dump_mem are READ_REG loops). Bytes never written
/// read 0. Regions per esptool's ESP32 memory map: DRAM, IRAM, RTC fast/slow memory.
/// </summary>
public sealed class Esp32Ram
{
    private static readonly (uint Start, uint End)[] Regions =
    {
        (0x3FF80000, 0x3FF82000), // RTC_DRAM
        (0x3FFAE000, 0x40000000), // DRAM
        (0x40070000, 0x400C0000), // IRAM
        (0x400C0000, 0x400C2000), // RTC_IRAM
        (0x50000000, 0x50002000), // RTC_DATA
    };

    private readonly Dictionary<uint, byte> _bytes = new();

    public static bool Contains(uint address) => Regions.Any(r => address >= r.Start && address < r.End);

    public byte? Read(uint address) => _bytes.TryGetValue(address, out byte b) ? b : null;

    public void Write(uint address, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            _bytes[address + (uint)i] = data[i];
        }
    }

    public uint ReadWord(uint address)
    {
        uint word = 0;
        for (int i = 3; i >= 0; i--)
        {
            word = (word << 8) | (Read(address + (uint)i) ?? 0);
        }

        return word;
    }

    public void WriteWord(uint address, uint value, uint mask)
    {
        uint merged = (ReadWord(address) & ~mask) | (value & mask);
        Span<byte> bytes = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, merged);
        Write(address, bytes);
    }

    /// <summary>Power loss: SRAM forgets. (An EN reset does not clear it; the ROM loader leaves IRAM alone.)</summary>
    public void Clear() => _bytes.Clear();
}

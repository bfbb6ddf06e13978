using NodeFirmware.HostCommon.Partitions;
using NodeSim.RomBootloader;

namespace NodeSim.Board;

/// <summary>
/// Files for a board's flash layout (boards/*.json, bootloader-config/flash-layout-*.json) that a simulated board
/// boots, for rehearsing the factory procedure without Espressif's and nanoFramework's binaries: the bootloader and
/// the app partition's image are valid ESP32 images (<see cref="Esp32Image"/>) with firmware-like contents, the
/// partition table is the board's own, and any other image (the deployment area) is firmware-like bytes. They run
/// nothing: the simulated board checks them as the ROM and bootloader would, then runs its simulated firmware.
/// </summary>
public static class StandInImages
{
    public const int DefaultAppBytes = 256 * 1024;
    public const int DefaultDataBytes = 64 * 1024;

    /// <summary>File name (the layout's) → contents.</summary>
    public static IReadOnlyDictionary<string, byte[]> For(NodeFirmware.HostCommon.Boards.Board board, int appBytes = DefaultAppBytes, int dataBytes = DefaultDataBytes)
    {
        var files = new Dictionary<string, byte[]>();
        uint tableOffset = PartitionNumber.TryParse(board.FlashLayout.File.TableOffset, out long t) ? (uint)t : PartitionLayout.DefaultTableOffset;
        int seed = 1;
        foreach (var placement in board.FlashLayout.Images)
        {
            var partition = board.Partitions.Entries.FirstOrDefault(e => e.Offset == placement.Offset);
            files[placement.File] = placement.Offset == tableOffset ? PartitionBinary.Write(board.Partitions)
                : placement.Offset < tableOffset ? Bootloader(seed++)
                : partition?.Type == PartitionTypes.App ? App(seed++, Math.Min(appBytes, (int)Math.Min(int.MaxValue, placement.MaxBytes)))
                : FirmwareLikeImage.Create(seed++, Math.Min(dataBytes, (int)Math.Min(int.MaxValue, placement.MaxBytes)));
        }

        return files;
    }

    /// <summary>A second-stage bootloader's shape: three segments in the RAM the ROM loads it into.</summary>
    public static byte[] Bootloader(int seed) => Esp32Image.Build(0x40080694,
    [
        new(0x3FFF0030, Words(seed, 6612)),
        new(0x40078000, Words(seed + 100, 14788)),
        new(0x40080400, Words(seed + 200, 3792)),
    ]);

    /// <summary>An application's shape: flash-mapped rodata and code around the segments loaded into RAM.</summary>
    public static byte[] App(int seed, int size)
    {
        int rodata = size / 4;
        int code = Math.Max(64, size - rodata - 2048 - 4096 - 256); // the headers, padding and hash take the rest
        return Esp32Image.Build(0x40081000,
        [
            new(0x3F400020, Words(seed, rodata)),
            new(0x3FFB0000, Words(seed + 1, 2048)),
            new(0x40080000, Words(seed + 2, 4096)),
            new(0x400D0020, Words(seed + 3, code)),
        ]);
    }

    private static byte[] Words(int seed, int length) => FirmwareLikeImage.Create(seed, length / 4 * 4);
}

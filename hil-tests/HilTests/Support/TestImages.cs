using NodeFirmware.Nodectl.Flashing;

namespace NodeFirmware.HilTests.Support;

/// <summary>Images for the factory flow: bootloader, partition table and an application with the ESP image magic.</summary>
public static class TestImages
{
    public static IReadOnlyList<FlashImage> Factory(int seed = 7, int appBytes = 48 * 1024)
    {
        var random = new Random(seed);
        byte[] Bytes(int n, byte magic) { var b = new byte[n]; random.NextBytes(b); b[0] = magic; return b; }
        return
        [
            new FlashImage(0x1000, Bytes(8 * 1024, 0xE9), "bootloader.bin"),
            new FlashImage(0x8000, Bytes(3 * 1024, 0xAA), "partitions.bin"),
            new FlashImage(0x10000, Bytes(appBytes, 0xE9), "node-app.bin"),
        ];
    }
}

using System.Diagnostics;
using System.Globalization;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// Flashes a firmware-sized image into the simulated ESP32 ROM loader over the in-memory link, deflated and plain,
/// and turns the bytes on the wire into time at a baud rate (8N1: 10 bits per byte, both directions, since every
/// command waits for its answer). The ROM's own erase/write time is not modelled.
/// Then compares `nodectl flash` with esptool-js on the same image (<see cref="EsptoolJsComparison"/>), with
/// Espressif's esptool when ESPTOOL is set (<see cref="EsptoolComparison"/>, at --baud on a paced line), and measures
/// a reflash after a one-function change (<see cref="ReflashBenchmark"/>).
/// Options: --size BYTES (1572864), --baud N (921600), --block BYTES (16384, nodectl's default),
/// --image FILE (default: 1.5 MB of a real machine-code binary, see <see cref="BenchImage"/>).
/// </summary>
public static class FlashBenchmark
{
    public static int Run(string[] args)
    {
        int size = Option(args, "--size", 1536 * 1024);
        int baud = Option(args, "--baud", 921600);
        int block = Option(args, "--block", new EspRomClientOptions().FlashBlockSize);
        int imageArg = Array.IndexOf(args, "--image");
        var (data, source) = BenchImage.Load(imageArg >= 0 && imageArg + 1 < args.Length ? args[imageArg + 1] : null, size);
        var image = new FlashImage(0x10000, data, "app.bin");
        Console.WriteLine($"image: {size} bytes of {source}");

        // Warm-up so JIT time is not counted in the first figure.
        Measure(new FlashImage(0x10000, FirmwareLikeImage.Create(2024, 64 * 1024), "warm-up.bin"), baud, block, compress: true, print: false);
        foreach (bool compress in new[] { true, false })
        {
            Measure(image, baud, block, compress, print: true);
        }

        EsptoolJsComparison.Run(data, source);
        EsptoolComparison.Run(data, source, baud);
        ReflashBenchmark.Run(baud);
        return 0;
    }

    private static void Measure(FlashImage image, int baud, int block, bool compress, bool print)
    {
        var link = new InMemorySerialLink("bench", baud);
        var simTime = new Stopwatch();
        // nodectl's pauses are skipped here, so the chip boots at EN's release (no RC delay) as the client expects.
        var sim = new SimulatedRomBootloader(bytes => link.DeliverFromPeer(bytes), new SimulatedRomOptions { EnRcDelay = TimeSpan.Zero });
        link.Attach(
            bytes =>
            {
                simTime.Start();
                sim.Receive(bytes);
                simTime.Stop();
            },
            sim.SetSignals,
            sim.SetHostBaudRate);
        var client = new EspRomClient(link, new EspRomClientOptions { Sleep = _ => { }, FlashBlockSize = block });
        client.Connect();
        client.AttachSpiFlash();
        long toChip = link.BytesToPeer;
        long fromChip = link.BytesFromPeer;

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        simTime.Reset();
        var result = client.WriteFlash(new[] { image }, compress, verify: true)[0];
        wall.Stop();
        process.Refresh();
        double cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;

        long wireTo = link.BytesToPeer - toChip;
        long wireFrom = link.BytesFromPeer - fromChip;
        double wireSeconds = (wireTo + wireFrom) * 10.0 / baud;
        double ratio = (double)result.BytesSent / image.Data.Length;
        if (!sim.Flash.Read(image.Offset, image.Data.Length).SequenceEqual(image.Data))
        {
            throw new InvalidOperationException("benchmark flash contents differ from the image");
        }

        if (print)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT flash mode={(compress ? "deflate" : "plain")} image_bytes={image.Data.Length} block={block} baud={baud} " +
            $"wire_bytes={wireTo + wireFrom} wire_to_chip={wireTo} wire_from_chip={wireFrom} wire_s={wireSeconds:0.000} " +
            $"payload_ratio={ratio:0.000} cpu_ms={cpuMs:0} host_ms={(wall.Elapsed - simTime.Elapsed).TotalMilliseconds:0} sim_ms={simTime.Elapsed.TotalMilliseconds:0}"));
        }

        sim.Dispose();
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : fallback;
    }
}

using System.Diagnostics;
using System.Globalization;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// Reflashing a deployment region after a one-function change (<see cref="OneFunctionChange"/>), with
/// `nodectl flash` (only the sectors whose MD5 differs) against a full compressed write of the same new region
/// as esptool's write_flash does it with the ROM loader (zlib level 9 in 1 KiB FLASH_DEFL_DATA packets, then one
/// SPI_FLASH_MD5). Both are counted at the simulated chip, every byte both ways: begin commands, data, the MD5
/// queries of the comparison and the final verify. The board already holds the region built before the change.
/// Prints RESULT reflash ... ratio = reflash bytes / full write bytes (goal at most 0.1).
/// </summary>
public static class ReflashBenchmark
{
    /// <summary>The deploy partition of boards/esp32-devkitc-v4.json (partitions-nodefirmware-4mb.csv).</summary>
    private const uint DeployOffset = 0x1E0000;
    private const int DeploySize = 0x80000;

    /// <summary>Real class libraries from the bench's own folder that fill the region beside the changed assembly.</summary>
    private static readonly string[] Libraries = { "System.Formats.Cbor.dll", "NodeFirmware.HostCommon.dll", "NodeSim.dll", "NSec.Cryptography.dll" };

    public static void Run(int baud)
    {
        try
        {
            Measure(baud);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or BoardFileException)
        {
            Console.WriteLine($"reflash benchmark skipped: {e.Message}");
            Console.WriteLine("RESULT reflash ratio=unavailable");
        }
    }

    private static void Measure(int baud)
    {
        var compile = Stopwatch.StartNew();
        var (original, changed) = OneFunctionChange.Build(RepoLocator.FindRoot());
        compile.Stop();
        var libraries = new List<(string, byte[])>();
        int room = DeploySize - Math.Max(original.Length, changed.Length) - (4 * (Libraries.Length + 1));
        foreach (string name in Libraries)
        {
            var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, name));
            if (bytes.Length <= room)
            {
                libraries.Add((name, bytes));
                room -= bytes.Length;
            }
        }

        // The application's assembly goes last, after the libraries it is deployed with.
        var before = DeploymentRegion.Lay(libraries.Append(("NodeFirmware.Core.dll", original)));
        var after = DeploymentRegion.Lay(libraries.Append(("NodeFirmware.Core.dll", changed)));
        var differing = DifferingRanges(original, changed);
        int changedBytes = Enumerable.Range(0, Math.Min(original.Length, changed.Length)).Count(i => original[i] != changed[i]) + Math.Abs(original.Length - changed.Length);
        Console.WriteLine(
            $"reflash: one-function change: {OneFunctionChange.Description}. NodeFirmware.Core.dll recompiled from this checkout with Roslyn " +
            $"({compile.ElapsedMilliseconds} ms for both): {original.Length} -> {changed.Length} bytes, {changedBytes} bytes differ, at " +
            $"{string.Join(", ", differing.Select(r => r.Start == r.End ? $"{r.Start}" : $"{r.Start}-{r.End}"))} " +
            "(headers: deterministic timestamp, MVID; then from the changed method on, every later method body and the metadata move)");

        var image = new FlashImage(DeployOffset, after.Bytes, "deployment.bin");
        var (full, fullData, _) = Write(before, image, esptoolBlocks: true, reflash: false);
        var (reflash, reflashData, result) = Write(before, image, esptoolBlocks: false, reflash: true);
        double ratio = (double)Bytes(reflash) / Bytes(full);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT reflash change=one-function changed_assembly=NodeFirmware.Core.dll region={after.Describe()} image_bytes={after.Bytes.Length} " +
            $"assembly_bytes_changed={changedBytes} sectors={result!.SectorsCovered} sectors_written={result.SectorsWritten} runs={result.Changes.Runs.Count} " +
            $"md5_queries={result.Changes.Md5Queries} reflash_wire_bytes={Bytes(reflash)} reflash_data_bytes={reflashData} reflash_round_trips={reflash.Requests} " +
            $"full_wire_bytes={Bytes(full)} full_data_bytes={fullData} full_round_trips={full.Requests} reflash_wire_s={Bytes(reflash) * 10.0 / baud:0.000} " +
            $"full_wire_s={Bytes(full) * 10.0 / baud:0.000} baud={baud} ratio={ratio:0.0000} goal_ratio=0.1"));
    }

    /// <summary>Byte ranges where the two differ, joined across gaps under 64 bytes.</summary>
    private static List<(int Start, int End)> DifferingRanges(byte[] a, byte[] b)
    {
        var ranges = new List<(int Start, int End)>();
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            if (i < a.Length && i < b.Length && a[i] == b[i])
            {
                continue;
            }

            if (ranges.Count > 0 && i - ranges[^1].End < 64)
            {
                ranges[^1] = (ranges[^1].Start, i);
            }
            else
            {
                ranges.Add((i, i));
            }
        }

        return ranges;
    }

    /// <summary>One write of <paramref name="image"/> onto a board that holds <paramref name="before"/>; traffic from after the connect.</summary>
    private static (RomTrafficCounters Traffic, int DataBytes, ReflashResult? Result) Write(DeploymentRegion before, FlashImage image, bool esptoolBlocks, bool reflash)
    {
        using var link = new InMemorySerialLink("bench");
        // nodectl's pauses are skipped here, so the chip boots at EN's release (no RC delay) as the client expects.
        using var sim = new SimulatedRomBootloader(bytes => link.DeliverFromPeer(bytes), new SimulatedRomOptions { EnRcDelay = TimeSpan.Zero });
        link.Attach(bytes => sim.Receive(bytes), sim.SetSignals, sim.SetHostBaudRate);
        sim.Flash.Load(image.Offset, before.Bytes);
        var options = new EspRomClientOptions { Sleep = _ => { } };
        var client = new EspRomClient(link, esptoolBlocks ? options with { FlashBlockSize = RomProtocol.FLASH_WRITE_SIZE } : options);
        client.Connect();
        client.AttachSpiFlash();
        client.SetFlashParameters((uint)sim.Flash.Size);
        sim.Traffic.Reset();
        ReflashResult? result = null;
        int data;
        if (reflash)
        {
            result = client.WriteChangedSectors(new[] { image }, compress: true, verify: true)[0];
            data = result.Write.BytesSent;
        }
        else
        {
            data = client.WriteFlash(new[] { image }, compress: true, verify: true)[0].BytesSent;
        }

        if (!sim.Flash.Read(image.Offset, image.Data.Length).SequenceEqual(image.Data))
        {
            throw new InvalidOperationException("the benchmark's flash contents differ from the image");
        }

        return (sim.Traffic, data, result);
    }

    private static long Bytes(RomTrafficCounters traffic) => traffic.BytesFromHost + traffic.BytesToHost;
}

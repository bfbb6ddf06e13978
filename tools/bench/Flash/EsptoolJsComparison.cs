using System.Globalization;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;
using Spectre.Console;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// `nodectl flash --verify` (deflated, ROM loader) against esptool-js (ROM loader, no stub) on the same image and
/// the same simulated chip, both counted by the chip: serial bytes in both directions and request packets (round
/// trips). Prints RESULT flash_vs_esptooljs with ratio = ours / esptool-js; the goal is a ratio of at most 1.0.
/// </summary>
public static class EsptoolJsComparison
{
    private const uint Offset = 0x10000;
    private const uint BoardFlashSize = 4 * 1024 * 1024;

    public static void Run(byte[] image, string source)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // RESULT lines use '.' decimals
        var ours = MeasureNodectl(image, BoardFlashSize);
        var detecting = MeasureNodectl(image, flashSize: null);
        var theirs = EsptoolJsRun.FlashOnce(image, Offset);
        string common =
            $"image={source} image_bytes={image.Length} ours_wire_bytes={Bytes(ours)} ours_to_chip={ours.BytesFromHost} " +
            $"ours_from_chip={ours.BytesToHost} ours_round_trips={ours.Requests} " +
            $"ours_data_blocks={ours.RequestsFor(RomWire.FLASH_DEFL_DATA)} ours_round_trips_reading_jedec_id={detecting.Requests}";
        if (theirs.Traffic is not { } js)
        {
            Console.WriteLine($"esptool-js comparison skipped: {theirs.Problem}");
            Console.WriteLine($"RESULT flash_vs_esptooljs {common} esptooljs=unavailable");
            return;
        }

        Console.WriteLine(
            $"RESULT flash_vs_esptooljs {common} esptooljs_wire_bytes={Bytes(js)} esptooljs_to_chip={js.BytesFromHost} " +
            $"esptooljs_from_chip={js.BytesToHost} esptooljs_round_trips={js.Requests} " +
            $"esptooljs_data_blocks={js.RequestsFor(RomWire.FLASH_DEFL_DATA)} " +
            $"bytes_ratio={(double)Bytes(ours) / Bytes(js):0.0000} round_trips_ratio={(double)ours.Requests / js.Requests:0.0000} " +
            $"goal_ratio=1.0 esptooljs_ms={theirs.ElapsedMs}");
        Console.WriteLine($"round trips by command: nodectl {ByCommand(ours)}; esptool-js {ByCommand(js)}");
    }

    /// <summary>
    /// The whole `nodectl flash --verify --flash-size 4MB` workflow (connect, chip, MAC, SPI_SET_PARAMS, write, MD5,
    /// reset), the flash size given as the factory line does from boards/esp32-devkitc-v4.json; without it nodectl
    /// reads the JEDEC id over SPI registers (11 more round trips), reported separately.
    /// </summary>
    private static RomTrafficCounters MeasureNodectl(byte[] image, uint? flashSize)
    {
        using var link = new InMemorySerialLink("bench");
        // nodectl's pauses are skipped here, so the chip boots at EN's release (no RC delay) as the client expects.
        using var sim = new SimulatedRomBootloader(bytes => link.DeliverFromPeer(bytes), new SimulatedRomOptions { EnRcDelay = TimeSpan.Zero });
        link.Attach(bytes => sim.Receive(bytes), sim.SetSignals, sim.SetHostBaudRate);
        var client = new EspRomClient(link, new EspRomClientOptions { Sleep = _ => { } });
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        var request = new FlashRequest(new[] { new FlashImage(Offset, image, "app.bin") }, link.BaudRate, Compress: true, Verify: true, FlashSize: flashSize);
        if (FlashRunner.Flash(client, request, console) != 0 || !sim.Flash.Read(Offset, image.Length).SequenceEqual(image))
        {
            throw new InvalidOperationException("nodectl's flash run failed in the benchmark");
        }

        return sim.Traffic;
    }

    private static string ByCommand(RomTrafficCounters traffic) => string.Join(
        " ",
        Enumerable.Range(0, 256).Where(c => traffic.RequestsFor((byte)c) > 0).Select(c => $"0x{c:X2}={traffic.RequestsFor((byte)c)}"));

    private static long Bytes(RomTrafficCounters traffic) => traffic.BytesFromHost + traffic.BytesToHost;
}

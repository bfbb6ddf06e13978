using System.Globalization;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Uart;

namespace NodeFirmware.Bench.Flash;

/// <summary>
/// `nodectl flash` against Espressif's Python esptool (when ESPTOOL names its esptool.py) on the same image at the
/// same baud rate, each driving a fresh simulated ESP32 over RFC 2217 with the chip's UART paced at that rate.
/// Bytes: both directions at the chip, the whole session. Wall time: the chip's line from its first received byte
/// after the reset to the last byte it sent, so the start-up of Python or .NET and opening the port do not count;
/// the clients' own run times are printed beside it. The ROM's flash erase/write time is not modelled, so the wall
/// times are the line and the clients' turnarounds. Each client runs <see cref="Runs"/> times, alternating, and the
/// run with the median wall time is reported (this machine is shared; bytes do not vary). Prints RESULT
/// flash_vs_esptool ... bytes_ratio wall_ratio (ours ÷ esptool), or one line saying why it was skipped.
/// </summary>
public static class EsptoolComparison
{
    private const uint Offset = 0x10000;
    private const int Runs = 3;

    public static void Run(byte[] image, string source, int baud)
    {
        var (script, missing) = EsptoolPyRun.Find();
        if (script is null)
        {
            Console.WriteLine($"flash_vs_esptool skipped: {missing}");
            return;
        }

        var esptoolRuns = new List<PacedFlashSession>();
        var oursRuns = new List<PacedFlashSession>();
        for (int run = 0; run < Runs; run++)
        {
            var theirs = EsptoolPyRun.FlashOnce(script, image, Offset, baud);
            var ours = theirs.Session is null ? null : NodectlOverRfc2217Run.FlashOnce(image, Offset, baud);
            if (theirs.Session is null || ours?.Session is null)
            {
                Console.WriteLine($"flash_vs_esptool skipped: {theirs.Problem ?? ours?.Problem}");
                return;
            }

            esptoolRuns.Add(theirs.Session);
            oursRuns.Add(ours.Session);
        }

        var esptool = Median(esptoolRuns);
        var nodectl = Median(oursRuns);
        Console.WriteLine(
            $"flash_vs_esptool: {source} ({image.Length} bytes) at 0x{Offset:X}, RFC 2217 to a simulated ESP32 whose UART is paced at {baud} baud " +
            "(8N1, 10 bit times a byte each way; ROM flash erase/write time not modelled). bytes = both directions at the chip, whole session; " +
            "wall = the chip's line from its first received byte after the reset to the last byte it sent (median of " +
            $"{Runs} runs each); client_s = the client's whole run (esptool: the python3 process; nodectl: in this process, link open to close)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT flash_vs_esptool image={source} image_bytes={image.Length} baud={baud} runs={Runs} " +
            $"{Fields("ours", nodectl, oursRuns, baud)} {Fields("esptool", esptool, esptoolRuns, baud)} " +
            $"bytes_ratio={(double)nodectl.WireBytes / esptool.WireBytes:0.0000} " +
            $"wall_ratio={nodectl.LineWindow.TotalSeconds / esptool.LineWindow.TotalSeconds:0.0000}"));
    }

    private static PacedFlashSession Median(List<PacedFlashSession> runs) => runs.OrderBy(r => r.LineWindow).ElementAt(runs.Count / 2);

    private static string Fields(string who, PacedFlashSession s, List<PacedFlashSession> runs, int baud) => string.Create(CultureInfo.InvariantCulture,
        $"{who}_wire_bytes={s.WireBytes} {who}_to_chip={s.Traffic.BytesFromHost} {who}_from_chip={s.Traffic.BytesToHost} " +
        $"{who}_round_trips={s.Traffic.Requests} {who}_data_blocks={s.Traffic.RequestsFor(RomWire.FLASH_DEFL_DATA)} " +
        $"{who}_to_chip_line_s={PacedSerialLine.LineTime(s.Traffic.BytesFromHost, baud).TotalSeconds:0.000} " +
        $"{who}_wall_s={s.LineWindow.TotalSeconds:0.000} " +
        $"{who}_wall_s_runs={string.Join('/', runs.Select(r => r.LineWindow.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)))} " +
        $"{who}_client_s={s.ClientTime.TotalSeconds:0.000}");
}

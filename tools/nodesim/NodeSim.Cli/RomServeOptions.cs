using System.Globalization;
using System.Net;
using NodeSim.RomBootloader.Rfc2217;

namespace NodeSim.Cli;

/// <summary>
/// <c>nodesim rom (--rfc2217 HOST:PORT | --pty) [--flash-size 4MB] [--image FILE] [--dump FILE] ...</c>:
/// serve one simulated ESP32 ROM loader to flashing tools.
/// </summary>
public sealed class RomServeOptions
{
    public const string Usage =
        "usage: nodesim rom (--rfc2217 HOST:PORT | --pty) [--flash-size 4MB] [--image FILE] [--dump FILE]\n" +
        "                   [--mac 24:0a:c4:5e:71:9b] [--lines pass-through] [--rom-crystal-hz HZ] [--en-rc-ms MS]\n" +
        "  Serves one simulated ESP32 in its ROM serial loader until stopped (Ctrl-C or SIGTERM).\n" +
        "  --rfc2217 127.0.0.1:PORT  an RFC 2217 server (port 0 picks a free one); prints rfc2217://HOST:PORT.\n" +
        "                            DTR/RTS drive EN/IO0 as on the DevKitC, so a tool's default reset works.\n" +
        "  --pty                     a Linux pseudo-terminal instead; prints its path. It has no DTR/RTS: the chip\n" +
        "                            starts in download mode; use esptool's --before no_reset --after no_reset.\n" +
        "  --flash-size              1MB, 2MB, 4MB (default), 8MB or 16MB.\n" +
        "  --image FILE              preloads the flash with FILE from address 0 (the rest stays erased).\n" +
        "  --dump FILE               writes the whole flash to FILE on exit.\n" +
        "  --mac MAC                 the chip's factory MAC (default 24:0a:c4:5e:71:9b); the device id follows from it.\n" +
        "  --lines pass-through      apply DTR/RTS exactly as they arrive (esptool's reset then fails, as behind\n" +
        "                            a plain RFC 2217 server); by default a classic reset's release is completed.\n" +
        "  --rom-crystal-hz HZ       the crystal frequency the ROM computes (default 40600000; 40 MHz is exact).\n" +
        "  --en-rc-ms MS             time from EN's release to the IO0 sample (default 14).";

    public const string BoardUsage =
        "usage: nodesim board (--rfc2217 HOST:PORT | --pty) [--flash-size 4MB] [--image FILE] [--dump FILE]\n" +
        "                     [--mac MAC] [--boot flash|download] [--lines pass-through] [--rom-crystal-hz HZ] [--en-rc-ms MS]\n" +
        "  Serves one whole simulated ESP32 DevKit until stopped (Ctrl-C or SIGTERM): the ROM (download mode when IO0\n" +
        "  is low at reset), else the boot from flash: the ROM's \"invalid header\" lines on a blank flash, or the\n" +
        "  bootloader, the partition table and the firmware, whose boot line and provisioning share the console UART.\n" +
        "  The firmware keeps its identity in the flash's nvs partition. Options as for nodesim rom, and:\n" +
        "  --boot flash|download     how the board powers up (default: flash; download on a pty, which cannot reset it).\n" +
        "  Once provisioned and past its re-entry window, the firmware runs the virtual node with the identity in its flash,\n" +
        "  against the broker its bundle names (mutual TLS), as nodesim run's nodes do:\n" +
        "  --node-board NAME         the power profile (boards/NAME.json, default firebeetle-esp32).\n" +
        "  --sample-s S, --report-s S  the node's cadence in node seconds (defaults 60 and 300).\n" +
        "  --time-scale X            node seconds per real second (default 1: real time; 60 reports every 5 s).\n" +
        "  --resolve NAME=ADDRESS    the board's network resolves NAME to ADDRESS (its Wi-Fi's DNS), e.g.\n" +
        "                            broker.acme.example=127.0.0.1; the port stays the bundle's and TLS still checks\n" +
        "                            the broker's certificate against NAME. Repeatable.\n" +
        "  --firmware-version V      the built-in firmware's version (default 1.0.0), until an update installs another.\n" +
        "  --firmware-board NAME     the board the firmware is built for, which an update must list (default esp32-devkitc-v4).\n" +
        "  --sensor bme280|bmp280|none  the part on the board's I2C bus (default bme280); bmp280 (chip id 0x58) or none\n" +
        "                            make a board that fails the factory self-test (nodectl selftest).\n" +
        "  --factory-image FILE      a signed package (nodectl firmware sign) that the factory put in slot A; a new or erased\n" +
        "                            flash gets it at its first boot, and the Loader boots it and rolls a failed update back to it.";

    private static readonly Dictionary<string, int> FlashSizes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["1MB"] = 1 << 20, ["2MB"] = 2 << 20, ["4MB"] = 4 << 20, ["8MB"] = 8 << 20, ["16MB"] = 16 << 20,
    };

    public IPEndPoint? Rfc2217 { get; private set; }

    public bool Pty { get; private set; }

    public int FlashSize { get; private set; } = 4 << 20;

    public string? ImagePath { get; private set; }

    public string? DumpPath { get; private set; }

    public ControlLinePolicy Lines { get; private set; } = ControlLinePolicy.CompleteClassicReset;

    public double? RomCrystalHz { get; private set; }

    public TimeSpan? EnRcDelay { get; private set; }

    /// <summary>The chip's factory MAC (efuse), e.g. to give a simulated board the device id a document uses.</summary>
    public byte[]? Mac { get; private set; }

    /// <summary>
    /// Board only: power up with IO0 low (download mode) rather than from flash; by default so on a pty, which
    /// cannot reset the chip, and not on RFC 2217, whose DTR/RTS can.
    /// </summary>
    public bool PowerOnInDownloadMode { get; private set; }

    /// <summary>Board only: the running node's power profile (a board in boards/).</summary>
    public string NodeBoard { get; private set; } = "firebeetle-esp32";

    public int SampleSeconds { get; private set; } = 60;

    public int ReportSeconds { get; private set; } = 300;

    /// <summary>Board only: node seconds per real second.</summary>
    public double TimeScale { get; private set; } = 1;

    /// <summary>Board only: the names the board's network resolves.</summary>
    public NodeSim.Network.NameService Names { get; } = new();

    /// <summary>Board only: the built-in firmware's version.</summary>
    public string FirmwareVersion { get; private set; } = "1.0.0";

    /// <summary>Board only: the signed package the factory put in slot A.</summary>
    public string? FactoryImagePath { get; private set; }

    /// <summary>Board only: the board the firmware is built for.</summary>
    public string FirmwareBoard { get; private set; } = "esp32-devkitc-v4";

    /// <summary>Board only: the chip id of the part on the board's I2C bus, null for none (<see cref="NodeSim.Board.SimulatedBoardOptions.SensorChipId"/>).</summary>
    public int? SensorChipId { get; private set; } = NodeSim.Sensors.Bme280Registers.ChipIdValue;

    /// <summary>Parses the arguments after "rom"; throws <see cref="ArgumentException"/> with the reason and the usage.</summary>
    public static RomServeOptions Parse(IReadOnlyList<string> args) => Parse(args, board: false);

    /// <param name="board">Parse for <c>nodesim board</c>: its usage, and --boot.</param>
    public static RomServeOptions Parse(IReadOnlyList<string> args, bool board)
    {
        string usage = board ? BoardUsage : Usage;
        ArgumentException Fail(string reason) => new($"{reason}\n{usage}");
        var o = new RomServeOptions();
        bool? bootDownload = null;
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw Fail($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--rfc2217": o.Rfc2217 = Endpoint(Value(), Fail); break;
                case "--boot" when board:
                    string boot = Value();
                    bootDownload = boot == "download" ? true : boot == "flash" ? false
                        : throw Fail($"--boot {boot} is unknown; use flash (IO0 high) or download (IO0 low, as with BOOT held)");
                    break;
                case "--pty": o.Pty = true; break;
                case "--node-board" when board: o.NodeBoard = Value(); break;
                case "--sample-s" when board: o.SampleSeconds = Seconds("--sample-s", Value(), Fail); break;
                case "--report-s" when board: o.ReportSeconds = Seconds("--report-s", Value(), Fail); break;
                case "--time-scale" when board:
                    string scale = Value();
                    o.TimeScale = double.TryParse(scale, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x is >= 0.001 and <= 100_000 ? x
                        : throw Fail($"--time-scale {scale} must be a number from 0.001 to 100000 (node seconds per real second)");
                    break;
                case "--resolve" when board:
                    string entry = Value();
                    try
                    {
                        o.Names.Add(entry);
                    }
                    catch (ArgumentException e)
                    {
                        throw Fail($"--resolve {entry}: {e.Message}");
                    }

                    break;
                case "--firmware-version" when board:
                    string version = Value();
                    o.FirmwareVersion = version.Length <= 32 && NodeFirmware.Core.Ota.FirmwareVersion.TryParse(version, out _) ? version
                        : throw Fail($"--firmware-version {version} is not a version such as 1.0.0 or 1.0.0+7 (major.minor.patch[+build])");
                    break;
                case "--firmware-board" when board:
                    string firmwareBoard = Value();
                    o.FirmwareBoard = firmwareBoard.Length is > 0 and <= 64 && firmwareBoard.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? firmwareBoard
                        : throw Fail($"--firmware-board {firmwareBoard} is not a board name such as esp32-devkitc-v4");
                    break;
                case "--sensor" when board:
                    string sensor = Value();
                    o.SensorChipId = sensor == "bme280" ? NodeSim.Sensors.Bme280Registers.ChipIdValue : sensor == "bmp280" ? 0x58 : sensor == "none" ? null
                        : throw Fail($"--sensor {sensor} is unknown; use bme280, bmp280 (a wrong part) or none (no part on the bus)");
                    break;
                case "--factory-image" when board: o.FactoryImagePath = Value(); break;
                case "--flash-size":
                    string size = Value();
                    o.FlashSize = FlashSizes.TryGetValue(size, out int bytes) ? bytes
                        : throw Fail($"--flash-size {size} is not an ESP32 flash size; use one of {string.Join(", ", FlashSizes.Keys)}");
                    break;
                case "--image": o.ImagePath = Value(); break;
                case "--mac":
                    string mac = Value();
                    string hex = mac.Replace(":", "").Replace("-", "");
                    o.Mac = hex.Length == 12 && hex.All(Uri.IsHexDigit) ? Convert.FromHexString(hex)
                        : throw Fail($"--mac {mac} is not a MAC address such as 24:0a:c4:12:34:56");
                    break;
                case "--dump": o.DumpPath = Value(); break;
                case "--lines":
                    string lines = Value();
                    o.Lines = lines == "pass-through" ? ControlLinePolicy.PassThrough
                        : lines == "complete-classic-reset" ? ControlLinePolicy.CompleteClassicReset
                        : throw Fail($"--lines {lines} is unknown; use pass-through or complete-classic-reset");
                    break;
                case "--rom-crystal-hz":
                    string hz = Value();
                    o.RomCrystalHz = double.TryParse(hz, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is >= 20e6 and <= 60e6 ? f
                        : throw Fail($"--rom-crystal-hz {hz} must be a frequency between 20000000 and 60000000");
                    break;
                case "--en-rc-ms":
                    string ms = Value();
                    o.EnRcDelay = double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d is >= 0 and <= 10_000
                        ? TimeSpan.FromMilliseconds(d)
                        : throw Fail($"--en-rc-ms {ms} must be a number of milliseconds from 0 to 10000");
                    break;
                default: throw Fail($"unknown option {args[i]}");
            }
        }

        if ((o.Rfc2217 is null) == !o.Pty)
        {
            throw Fail("give exactly one of --rfc2217 HOST:PORT or --pty");
        }

        if (o.Pty && !OperatingSystem.IsLinux())
        {
            throw Fail("--pty needs Linux pseudo-terminals; use --rfc2217 127.0.0.1:0 on this system");
        }

        o.PowerOnInDownloadMode = bootDownload ?? o.Pty;
        return o;
    }

    private static int Seconds(string option, string text, Func<string, ArgumentException> Fail) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int s) && s is >= 1 and <= 86_400 ? s
            : throw Fail($"{option} {text} must be a whole number of seconds from 1 to 86400");

    private static IPEndPoint Endpoint(string text, Func<string, ArgumentException> Fail)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out int port) || port is < 0 or > 65535)
        {
            throw Fail($"--rfc2217 {text} must be HOST:PORT, e.g. 127.0.0.1:4000 (port 0 picks a free port)");
        }

        string host = text[..colon];
        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address)
            ? new IPEndPoint(address, port)
            : throw Fail($"--rfc2217 host {host} must be an IP address such as 127.0.0.1");
    }
}

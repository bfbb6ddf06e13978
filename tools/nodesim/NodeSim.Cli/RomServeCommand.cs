using System.Runtime.InteropServices;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.HostCommon.Boards;
using NodeSim.Board;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Pty;
using NodeSim.RomBootloader.Rfc2217;

namespace NodeSim.Cli;

/// <summary>
/// <c>nodesim rom</c> (the ROM loader alone) and <c>nodesim board</c> (a whole board: <see cref="SimulatedBoard"/>):
/// serves one simulated ESP32 until SIGINT/SIGTERM. The line a script waits for (the URL or the pty path) goes alone
/// to stdout; everything else to stderr. On exit the flash is written to --dump.
/// </summary>
public static class RomServeCommand
{
    public static Task<int> RunAsync(IReadOnlyList<string> args) => RunAsync(args, board: false);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, bool board)
    {
        string name = board ? "board" : "rom";
        RomServeOptions options;
        try
        {
            options = RomServeOptions.Parse(args, board);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        byte[]? image = null;
        if (options.ImagePath is { } imagePath)
        {
            if (!File.Exists(imagePath))
            {
                Console.Error.WriteLine($"--image {imagePath} does not exist; give the path of a flash image to preload");
                return 2;
            }

            image = await File.ReadAllBytesAsync(imagePath);
            if (image.Length > options.FlashSize)
            {
                Console.Error.WriteLine(
                    $"--image {imagePath} is {image.Length} bytes, more than the {options.FlashSize >> 20}MB flash; pass a larger --flash-size");
                return 2;
            }
        }

        var simOptions = new SimulatedRomOptions { FlashSize = options.FlashSize };
        if (options.RomCrystalHz is { } hz)
        {
            simOptions = simOptions with { RomCrystalEstimateHz = hz };
        }

        if (options.Mac is { } mac)
        {
            simOptions = simOptions with { Mac = mac };
        }

        if (options.EnRcDelay is { } delay)
        {
            simOptions = simOptions with { EnRcDelay = delay };
        }

        using var stopped = new CancellationTokenSource();
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        BoardNodeOptions? nodeOptions = null;
        byte[]? factoryImage = null;
        if (board)
        {
            try
            {
                nodeOptions = NodeOptions(options, name);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"nodesim {name}: --node-board {options.NodeBoard}: {e.Message}");
                return 2;
            }

            try
            {
                BoardCatalog.Default().Load(options.FirmwareBoard);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"nodesim {name}: --firmware-board {options.FirmwareBoard}: {e.Message}");
                return 2;
            }

            if (options.FactoryImagePath is { } path)
            {
                try
                {
                    factoryImage = File.ReadAllBytes(path);
                    NodeFirmware.Core.Ota.FirmwarePackage.Parse(factoryImage);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or InvalidOperationException)
                {
                    Console.Error.WriteLine($"nodesim {name}: --factory-image {path}: {e.Message}");
                    return 2;
                }
            }
        }

        // The image is in the flash before the chip powers up, so a board boots what it holds.
        Func<Action<byte[]>, ISerialChip> createChip = board
            ? transmit => Preload(new SimulatedBoard(transmit, new SimulatedBoardOptions { Rom = simOptions, Node = nodeOptions, FirmwareVersion = options.FirmwareVersion, SensorChipId = options.SensorChipId, FactoryImage = factoryImage }), image)
            : transmit => Preload(new SimulatedRomBootloader(transmit, simOptions), image);
        SimulatedRomBootloader sim;
        IDisposable server;
        if (options.Rfc2217 is { } endpoint)
        {
            var rfc = new RomRfc2217Server(createChip, new RomRfc2217ServerOptions
            {
                Address = endpoint.Address,
                Port = endpoint.Port,
                Lines = options.Lines,
                Log = line => Console.Error.WriteLine($"{name}: " + line),
            });
            if (board)
            {
                rfc.Chip.PowerOn(options.PowerOnInDownloadMode);
            }

            (sim, server) = (rfc.Sim, rfc);
            Console.WriteLine(rfc.Url);
        }
        else if (OperatingSystem.IsLinux())
        {
            var pty = new RomPtyServer(createChip, io0Low: !board || options.PowerOnInDownloadMode);
            (sim, server) = (pty.Sim, pty);
            Console.WriteLine(pty.Path);
        }
        else
        {
            throw new PlatformNotSupportedException("--pty needs Linux pseudo-terminals"); // Parse refuses --pty elsewhere
        }

        Console.Out.Flush();
        string what = board ? "a whole simulated ESP32 board" : "a simulated ESP32";
        string powered = board && !options.PowerOnInDownloadMode ? "booted from flash" : "in download mode";
        Console.Error.WriteLine($"{name}: serving {what} " + (options.Pty ? $"({powered}; no DTR/RTS on a pty)" : $"({powered}; DTR/RTS drive EN/IO0)") + "; Ctrl-C stops");
        try
        {
            await Task.Delay(Timeout.Infinite, stopped.Token);
        }
        catch (OperationCanceledException)
        {
        }

        server.Dispose();
        if (options.DumpPath is { } dumpPath)
        {
            await File.WriteAllBytesAsync(dumpPath, sim.Flash.Contents.ToArray());
            Console.Error.WriteLine($"{name}: wrote the {sim.Flash.Size}-byte flash image to {dumpPath}");
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // the dump is written before the process ends
            stopped.Cancel();
        }
    }

    /// <summary>The node a provisioned board runs, with the cadence of <c>nodesim run</c> (sleep threshold tuned for the board).</summary>
    private static BoardNodeOptions NodeOptions(RomServeOptions options, string name)
    {
        var profile = BoardCatalog.Default().Load(options.NodeBoard).ToPowerProfile();
        var config = EnergyModel.TunedForBoard(new DeviceConfig { SampleIntervalSeconds = options.SampleSeconds, ReportIntervalSeconds = options.ReportSeconds }, profile);
        return new BoardNodeOptions
        {
            PowerProfile = profile,
            Defaults = config,
            TimeCompression = options.TimeScale,
            Log = line => Console.Error.WriteLine($"{name}: " + line),
            Names = options.Names,
            FirmwareBoard = options.FirmwareBoard,
        };
    }

    private static T Preload<T>(T chip, byte[]? image)
        where T : ISerialChip
    {
        if (image is not null)
        {
            chip.Rom.Flash.Load(0, image);
        }

        return chip;
    }
}

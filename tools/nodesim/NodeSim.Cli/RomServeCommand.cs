using System.Runtime.InteropServices;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Pty;
using NodeSim.RomBootloader.Rfc2217;

namespace NodeSim.Cli;

/// <summary>
/// <c>nodesim rom</c>: serves one simulated ESP32 until SIGINT/SIGTERM. The line a script waits for (the URL or
/// the pty path) goes alone to stdout; everything else to stderr. On exit the flash is written to --dump.
/// </summary>
public static class RomServeCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        RomServeOptions options;
        try
        {
            options = RomServeOptions.Parse(args);
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

        if (options.EnRcDelay is { } delay)
        {
            simOptions = simOptions with { EnRcDelay = delay };
        }

        using var stopped = new CancellationTokenSource();
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        SimulatedRomBootloader sim;
        IDisposable server;
        if (options.Rfc2217 is { } endpoint)
        {
            var rfc = new RomRfc2217Server(simOptions, new RomRfc2217ServerOptions
            {
                Address = endpoint.Address,
                Port = endpoint.Port,
                Lines = options.Lines,
                Log = line => Console.Error.WriteLine("rom: " + line),
            });
            (sim, server) = (rfc.Sim, rfc);
            Preload(sim, image);
            Console.WriteLine(rfc.Url);
        }
        else if (OperatingSystem.IsLinux())
        {
            var pty = new RomPtyServer(simOptions);
            (sim, server) = (pty.Sim, pty);
            Preload(sim, image);
            Console.WriteLine(pty.Path);
        }
        else
        {
            throw new PlatformNotSupportedException("--pty needs Linux pseudo-terminals"); // Parse refuses --pty elsewhere
        }

        Console.Out.Flush();
        Console.Error.WriteLine("rom: serving a simulated ESP32 " + (options.Pty ? "(in download mode; no DTR/RTS on a pty)" : "(DTR/RTS drive EN/IO0)") + "; Ctrl-C stops");
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
            Console.Error.WriteLine($"rom: wrote the {sim.Flash.Size}-byte flash image to {dumpPath}");
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // the dump is written before the process ends
            stopped.Cancel();
        }
    }

    private static void Preload(SimulatedRomBootloader sim, byte[]? image)
    {
        if (image is not null)
        {
            sim.Flash.Load(0, image);
        }
    }
}

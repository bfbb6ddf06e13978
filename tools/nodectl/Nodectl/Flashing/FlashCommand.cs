using System.CommandLine;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// "nodectl flash --port P --baud B --image 0x1000:bootloader.bin --image 0x10000:app.bin [--verify] [--no-compress]"
/// and "nodectl flash read-mac --port P". Offsets are explicit until board/partition lookups exist.
/// </summary>
public static class FlashCommand
{
    public static Command Create()
    {
        var port = PortOption();
        var baud = new Option<int>("--baud")
        {
            Description = "Baud rate after connecting (the ROM starts at 115200)",
            DefaultValueFactory = _ => 460800,
        };
        var images = new Option<string[]>("--image")
        {
            Description = "OFFSET:FILE to write, e.g. 0x10000:app.bin; repeat for several images",
            Arity = ArgumentArity.OneOrMore,
        };
        var verify = new Option<bool>("--verify") { Description = "Check each image with SPI_FLASH_MD5 after writing" };
        var noCompress = new Option<bool>("--no-compress") { Description = "Send plain FLASH_DATA blocks instead of deflated ones" };
        var flashSize = new Option<string?>("--flash-size")
        {
            Description = "Flash size of the board, e.g. 4MB or 4194304 (boards/*.json flashSizeBytes); skips reading the JEDEC id",
        };
        var noReset = new Option<bool>("--no-reset") { Description = "Leave the chip in the ROM loader instead of hard-resetting it" };

        var command = new Command("flash", "Write images to an ESP32 over its ROM serial bootloader");
        command.Options.Add(port);
        command.Options.Add(baud);
        command.Options.Add(images);
        command.Options.Add(verify);
        command.Options.Add(noCompress);
        command.Options.Add(noReset);
        command.Options.Add(flashSize);
        command.SetAction(parseResult =>
        {
            var specs = parseResult.GetValue(images) ?? Array.Empty<string>();
            if (specs.Length == 0)
            {
                parseResult.InvocationConfiguration.Error.WriteLine("flash: give at least one --image OFFSET:FILE");
                return 2;
            }

            FlashRequest request;
            try
            {
                request = new FlashRequest(
                    specs.Select(FlashImage.Load).ToList(),
                    parseResult.GetValue(baud),
                    Compress: !parseResult.GetValue(noCompress),
                    Verify: parseResult.GetValue(verify),
                    ResetAfter: !parseResult.GetValue(noReset),
                    FlashSize: parseResult.GetValue(flashSize) is { } text ? ParseFlashSize(text) : null);
                FlashLayout.Check(request.Images, request.FlashSize); // before the port is even opened
            }
            catch (FlashingException e)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"flash: {e.Message}");
                return 2;
            }

            return WithPort(parseResult.GetRequiredValue(port), client => FlashRunner.Flash(client, request, AnsiConsole.Console));
        });

        var readMacPort = PortOption();
        var readMac = new Command("read-mac", "Print the chip's factory MAC and the device id derived from it");
        readMac.Options.Add(readMacPort);
        readMac.SetAction(parseResult =>
            WithPort(parseResult.GetRequiredValue(readMacPort), client => FlashRunner.ReadMac(client, AnsiConsole.Console)));
        command.Subcommands.Add(readMac);
        return command;
    }

    /// <summary>"4MB", "16MB", "512KB" or a byte count; a power of two the ROM can address (256 KB to 64 MB).</summary>
    public static uint ParseFlashSize(string text)
    {
        string t = text.Trim().ToUpperInvariant();
        ulong unit = t.EndsWith("MB") ? 1024UL * 1024 : t.EndsWith("KB") ? 1024UL : 1UL;
        string digits = unit == 1 ? t : t[..^2];
        if (!ulong.TryParse(digits, out ulong number) || number * unit is var bytes && (bytes < 256 * 1024 || bytes > 64 * 1024 * 1024 || (bytes & (bytes - 1)) != 0))
        {
            throw new FlashingException($"--flash-size '{text}' is not a power-of-two size from 256KB to 64MB, e.g. 4MB");
        }

        return (uint)(number * unit);
    }

    private static Option<string> PortOption() => new("--port")
    {
        Description = "Serial port of the board, e.g. /dev/ttyUSB0, COM3 or rfc2217://HOST:PORT (a networked serial port)",
        Required = true,
    };

    private static int WithPort(string portName, Func<EspRomClient, int> run)
    {
        try
        {
            using var link = SerialLinks.Open(portName);
            return run(new EspRomClient(link));
        }
        catch (FlashingException e)
        {
            Console.Error.WriteLine($"flash: {e.Message}");
            return 1;
        }
    }
}

using System.CommandLine;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// "nodectl flash read-flash --port P OFFSET SIZE --output FILE", "nodectl flash verify --port P --image OFFSET:FILE ..."
/// (or --board B [--image NAME=FILE ...]) and "nodectl flash erase-region --port P OFFSET SIZE": a factory operator
/// checks a board with nodectl alone. Arguments are refused before connecting when they cannot work.
/// </summary>
public static class FlashRegionCommands
{
    public static IEnumerable<Command> Create(FlashCommandEnvironment env)
    {
        yield return ReadFlash(env);
        yield return Verify(env);
        yield return EraseRegion(env);
    }

    private static Command ReadFlash(FlashCommandEnvironment env)
    {
        var port = FlashCommand.PortOption();
        var baud = FlashCommand.BaudOption();
        var offset = new Argument<string>("OFFSET") { Description = "Flash address to read from, e.g. 0x8000" };
        var size = new Argument<string>("SIZE") { Description = "Bytes to read, e.g. 0xC00 or 4096" };
        var output = new Option<string>("--output") { Description = "File to write what was read", Required = true };
        var flashSize = FlashCommand.FlashSizeOption();
        var noReset = FlashCommand.NoResetOption();
        var command = new Command("read-flash", "Read flash into a file (READ_FLASH_SLOW: 64 bytes per round trip, about 3 KB/s at 460800 baud)")
        {
            port, baud, offset, size, output, flashSize, noReset,
        };
        command.SetAction(parseResult => Refusable(env, parseResult, "read-flash", () =>
        {
            var (at, length, chip) = Region(parseResult.GetRequiredValue(offset), parseResult.GetRequiredValue(size), parseResult.GetValue(flashSize), requireSectors: false);
            string file = parseResult.GetRequiredValue(output);
            string? folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (folder is not null && !Directory.Exists(folder))
            {
                throw new FlashingException($"the folder of --output {file} does not exist; create it or choose another file");
            }

            return () => env.WithPort(parseResult, parseResult.GetRequiredValue(port), client =>
                FlashRegionRunner.ReadFlash(client, at, length, file, parseResult.GetValue(baud), chip, !parseResult.GetValue(noReset), env.Console));
        }));
        return command;
    }

    private static Command Verify(FlashCommandEnvironment env)
    {
        var port = FlashCommand.PortOption();
        var images = FlashCommand.ImageOption("OFFSET:FILE to compare with the flash (or NAME=FILE with --board); repeat for several images");
        var board = FlashCommand.BoardOption();
        var imagesDir = new Option<string?>("--images-dir") { Description = "With --board and no --image: the folder holding the layout's files" };
        var flashSize = FlashCommand.FlashSizeOption();
        var noReset = FlashCommand.NoResetOption();
        var command = new Command(
            "verify",
            $"Compare images with the flash by SPI_FLASH_MD5; prints match or MISMATCH per image (exit code {FlashRegionRunner.MismatchExitCode} on a mismatch)")
        {
            port, images, board, imagesDir, flashSize, noReset,
        };
        command.SetAction(parseResult => Refusable(env, parseResult, "verify", () =>
        {
            if (parseResult.GetValue(board) is null && parseResult.GetValue(imagesDir) is not null)
            {
                throw new FlashingException("--images-dir needs --board: it is where the board layout's files are looked up");
            }

            var resolved = FlashCommand.ResolveImages(env, parseResult.GetValue(images) ?? Array.Empty<string>(), parseResult.GetValue(board), parseResult.GetValue(flashSize), parseResult.GetValue(imagesDir));
            return () => env.WithPort(parseResult, parseResult.GetRequiredValue(port), client =>
                FlashRegionRunner.Verify(client, resolved.Images, resolved.FlashSize, !parseResult.GetValue(noReset), env.Console));
        }));
        return command;
    }

    private static Command EraseRegion(FlashCommandEnvironment env)
    {
        var port = FlashCommand.PortOption();
        var offset = new Argument<string>("OFFSET") { Description = "First byte to erase, a multiple of 0x1000, e.g. 0x9000" };
        var size = new Argument<string>("SIZE") { Description = "Bytes to erase, a multiple of 0x1000, e.g. 0x6000" };
        var flashSize = FlashCommand.FlashSizeOption();
        var noReset = FlashCommand.NoResetOption();
        var command = new Command("erase-region", "Erase whole 4 KiB sectors (FLASH_BEGIN with no data: the ROM loader has no ERASE_REGION)")
        {
            port, offset, size, flashSize, noReset,
        };
        command.SetAction(parseResult => Refusable(env, parseResult, "erase-region", () =>
        {
            var (at, length, chip) = Region(parseResult.GetRequiredValue(offset), parseResult.GetRequiredValue(size), parseResult.GetValue(flashSize), requireSectors: true);
            return () => env.WithPort(parseResult, parseResult.GetRequiredValue(port), client =>
                FlashRegionRunner.EraseRegion(client, at, length, chip, !parseResult.GetValue(noReset), env.Console));
        }));
        return command;
    }

    /// <summary>Checks the arguments, then runs; a refusal is printed with exit code 2 and the port is never opened.</summary>
    private static int Refusable(FlashCommandEnvironment env, ParseResult parseResult, string name, Func<Func<int>> check)
    {
        Func<int> run;
        try
        {
            run = check();
        }
        catch (FlashingException e)
        {
            env.ErrorFor(parseResult).WriteLine($"flash {name}: {e.Message}");
            return FlashCommand.RefusedExitCode;
        }

        return run();
    }

    private static (uint Offset, uint Size, uint? FlashSize) Region(string offsetText, string sizeText, string? flashSizeText, bool requireSectors)
    {
        uint offset = FlashImage.ParseOffset(offsetText);
        uint size;
        try
        {
            size = FlashImage.ParseOffset(sizeText);
        }
        catch (FlashingException)
        {
            throw new FlashingException($"SIZE \"{sizeText}\" is not a number of bytes (use hex like 0x1000 or decimal)");
        }

        uint? flashSize = flashSizeText is { } text ? FlashCommand.ParseFlashSize(text) : null;
        if (size == 0)
        {
            throw new FlashingException("SIZE is 0: give the number of bytes, e.g. 0x1000");
        }

        if (requireSectors && (offset % RomProtocol.FLASH_SECTOR_SIZE != 0 || size % RomProtocol.FLASH_SECTOR_SIZE != 0))
        {
            uint start = offset / RomProtocol.FLASH_SECTOR_SIZE * RomProtocol.FLASH_SECTOR_SIZE;
            long end = ((long)offset + size + RomProtocol.FLASH_SECTOR_SIZE - 1) / RomProtocol.FLASH_SECTOR_SIZE * RomProtocol.FLASH_SECTOR_SIZE;
            throw new FlashingException(
                $"0x{offset:X}+0x{size:X} is not whole 4 KiB sectors; the ROM loader erases only whole sectors, so offset and size must be " +
                $"multiples of 0x1000 (the sectors covering it are 0x{start:X}+0x{end - start:X}: erase those if that is meant)");
        }

        if (flashSize is { } chip && FlashImageChecks.PastEnd($"0x{offset:X}+0x{size:X}", offset, size, chip) is { } pastEnd)
        {
            throw new FlashingException(pastEnd);
        }

        return (offset, size, flashSize);
    }
}

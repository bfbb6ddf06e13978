using System.CommandLine;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Partitions;
using NodeFirmware.Nodectl.Output;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// "nodectl flash --port P (--board B [--image NAME=FILE ...] | --image OFFSET:FILE ...) [--verify] [--full] [--no-compress]",
/// plus the subcommands read-mac, read-flash, verify and erase-region (<see cref="FlashRegionCommands"/>).
/// Exit codes: 0 done, 1 the board could not be reached or refused, 2 refused before connecting (nothing was changed).
/// </summary>
public static class FlashCommand
{
    public const int RefusedExitCode = 2;

    public static Command Create() => Create(FlashCommandEnvironment.Default());

    public static Command Create(FlashCommandEnvironment env)
    {
        var port = PortOption();
        var baud = BaudOption();
        var images = ImageOption("OFFSET:FILE to write, e.g. 0x10000:app.bin, or with --board NAME=FILE (e.g. nanoclr=nanoCLR.bin); repeat for several images");
        var board = BoardOption();
        var imagesDir = new Option<string?>("--images-dir")
        {
            Description = "With --board and no --image: the folder holding the layout's files (default: the current folder)",
        };
        var verify = new Option<bool>("--verify") { Description = "Check each image with SPI_FLASH_MD5 after writing" };
        var full = new Option<bool>("--full") { Description = "Write every sector of each image, not only the sectors whose MD5 differs" };
        var noCompress = new Option<bool>("--no-compress") { Description = "Send plain FLASH_DATA blocks instead of deflated ones" };
        var flashSize = FlashSizeOption();
        var noReset = NoResetOption();
        var before = BeforeOption();
        var json = JsonResult.Option();

        var command = new Command("flash", "Write images to an ESP32 over its ROM serial bootloader; only sectors that differ are written unless --full")
        {
            port, baud, images, board, imagesDir, verify, full, noCompress, noReset, before, flashSize, json,
        };
        command.SetAction(parseResult =>
        {
            bool asJson = parseResult.GetValue(json);
            var console = env.ConsoleFor(asJson);
            var outcome = new FlashRunReport();
            ResolvedImages resolved;
            try
            {
                if (parseResult.GetValue(board) is null && parseResult.GetValue(imagesDir) is not null)
                {
                    throw new FlashingException("--images-dir needs --board: it is where the board layout's files are looked up");
                }

                resolved = ResolveImages(env, parseResult.GetValue(images) ?? Array.Empty<string>(), parseResult.GetValue(board), parseResult.GetValue(flashSize), parseResult.GetValue(imagesDir));
            }
            catch (FlashingException e)
            {
                env.ErrorFor(parseResult).WriteLine($"flash: {e.Message}");
                outcome.Error = e.Message;
                return Finish(parseResult, asJson, outcome, RefusedExitCode);
            }

            foreach (string note in resolved.Notes)
            {
                console.WriteLine(note);
            }

            // Ctrl-C stops the write at the next block, so the cursor comes back and the operator is told the board
            // needs flashing again; without this the process dies inside the progress display.
            using var interrupt = new CancellationTokenSource();
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGINT,
                context =>
                {
                    context.Cancel = true;
                    interrupt.Cancel();
                });
            var request = new FlashRequest(
                resolved.Images,
                parseResult.GetValue(baud),
                Compress: !parseResult.GetValue(noCompress),
                Verify: parseResult.GetValue(verify),
                ResetAfter: !parseResult.GetValue(noReset),
                FlashSize: resolved.FlashSize,
                Full: parseResult.GetValue(full),
                Before: parseResult.GetValue(before),
                Interrupt: interrupt.Token);

            int exit = env.WithPort(parseResult, parseResult.GetRequiredValue(port), client => FlashRunner.Flash(client, request, console, outcome), outcome);
            return Finish(parseResult, asJson, outcome, exit);
        });

        var readMacPort = PortOption();
        var readMacBefore = BeforeOption();
        var readMacJson = JsonResult.Option();
        var readMac = new Command("read-mac", "Print the chip's factory MAC and the device id derived from it") { readMacPort, readMacBefore, readMacJson };
        readMac.SetAction(parseResult =>
        {
            bool asJson = parseResult.GetValue(readMacJson);
            var outcome = new FlashRunReport();
            int exit = env.WithPort(parseResult, parseResult.GetRequiredValue(readMacPort), client =>
                FlashRunner.ReadMac(client, env.ConsoleFor(asJson), before: parseResult.GetValue(readMacBefore), outcome: outcome), outcome);
            return Finish(parseResult, asJson, outcome, exit);
        });
        command.Subcommands.Add(readMac);
        foreach (var sub in FlashRegionCommands.Create(env))
        {
            command.Subcommands.Add(sub);
        }

        return command;
    }

    /// <summary>With --json, the run's outcome as one JSON object on stdout; returns the exit code.</summary>
    private static int Finish(ParseResult parseResult, bool asJson, FlashRunReport outcome, int exit)
    {
        if (asJson)
        {
            outcome.ExitCode = exit;
            JsonResult.Write(parseResult.InvocationConfiguration.Output, outcome);
        }

        return exit;
    }

    /// <summary>Images with their offsets and the flash size, all checked before connecting.</summary>
    public sealed record ResolvedImages(IReadOnlyList<FlashImage> Images, uint? FlashSize, IReadOnlyList<string> Notes);

    /// <summary>
    /// Places the images by the board's layout (with --board) or by their explicit offsets, and refuses what would
    /// damage a board: a partition table away from the table offset, an image past the flash, overlapping or
    /// misaligned images. Throws <see cref="FlashingException"/> with the reason and the next step.
    /// </summary>
    public static ResolvedImages ResolveImages(FlashCommandEnvironment env, IReadOnlyList<string> specs, string? boardName, string? flashSizeText, string? imagesDir)
    {
        uint? flashSize = flashSizeText is { } text ? ParseFlashSize(text) : null;
        IReadOnlyList<FlashImage> images;
        var notes = new List<string>();
        if (boardName is not null)
        {
            Board board;
            try
            {
                board = BoardFlashPlan.LoadBoard(env.Catalog(), boardName);
            }
            catch (BoardFileException e)
            {
                throw new FlashingException($"--board {boardName}: {e.Message}");
            }

            if (flashSize is { } given && given != board.File.FlashSizeBytes)
            {
                throw new FlashingException(
                    $"--flash-size {flashSizeText} contradicts board {board.Name} ({board.File.FlashSizeBytes / (1024 * 1024)}MB); drop --flash-size or fix boards/{board.Name}.json");
            }

            var plan = BoardFlashPlan.Resolve(board, specs, imagesDir ?? ".");
            images = plan.Images;
            notes.AddRange(plan.Notes);
            notes.Add($"Board {board.Name}: {string.Join(", ", images.Select(i => $"{i.Name} at 0x{i.Offset:X}"))}");
            flashSize = (uint)board.File.FlashSizeBytes;
        }
        else
        {
            if (specs.Count == 0)
            {
                throw new FlashingException("give --board B to write a board's layout, or at least one --image OFFSET:FILE");
            }

            if (specs.FirstOrDefault(s => s.Contains('=') && !s.Contains(':')) is { } named)
            {
                throw new FlashingException($"\"{named}\" names an image of a board layout: add --board B, or give an offset (OFFSET:FILE)");
            }

            images = specs.Select(FlashImage.Load).ToList();
            var problem = FlashImageChecks.PartitionTablePlacement(
                images, PartitionLayout.DefaultTableOffset, "ESP-IDF's default CONFIG_PARTITION_TABLE_OFFSET");
            if (problem is not null)
            {
                throw new FlashingException(problem + "; for a board whose table is elsewhere, use --board");
            }
        }

        FlashLayout.Check(images, flashSize);

        return new ResolvedImages(images, flashSize, notes);
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

    internal static Option<string> PortOption() => new("--port")
    {
        Description = "Serial port of the board, e.g. /dev/ttyUSB0, COM3 or rfc2217://HOST:PORT (a networked serial port)",
        Required = true,
    };

    internal static Option<int> BaudOption() => new("--baud")
    {
        Description = "Baud rate after connecting (the ROM starts at 115200)",
        DefaultValueFactory = _ => 460800,
    };

    internal static Option<string[]> ImageOption(string description) => new("--image")
    {
        Description = description,
        Arity = ArgumentArity.OneOrMore,
    };

    internal static Option<string?> BoardOption() => new("--board")
    {
        Description = "Board name in boards/ (e.g. esp32-devkitc-v4): images go to its flash layout's offsets, sizes are checked against its partitions",
    };

    internal static Option<string?> FlashSizeOption() => new("--flash-size")
    {
        Description = "Flash size of the board, e.g. 4MB or 4194304 (boards/*.json flashSizeBytes); skips reading the JEDEC id",
    };

    /// <summary>"--before default-reset|no-reset", esptool's --before with nodectl's spelling.</summary>
    internal static Option<ResetBefore> BeforeOption() => new("--before")
    {
        Description = "default-reset: DTR/RTS put the chip in download mode; no-reset: leave DTR/RTS alone (boards without " +
                      "auto-reset, ports without modem lines): hold BOOT and tap EN first",
        DefaultValueFactory = _ => ResetBefore.DefaultReset,
        CustomParser = result => result.Tokens.Single().Value switch
        {
            "default-reset" => ResetBefore.DefaultReset,
            "no-reset" => ResetBefore.NoReset,
            var other => Fail(result, $"--before '{other}' is not default-reset or no-reset"),
        },
    };

    private static ResetBefore Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return ResetBefore.DefaultReset;
    }

    internal static Option<bool> NoResetOption() => new("--no-reset") { Description = "Leave the chip in the ROM loader instead of hard-resetting it" };
}

using System.CommandLine;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.Nodectl.Partitions;

/// <summary>
/// <c>nodectl partitions show [file] [--board b] [--flash-size 4MB] [--csv] [--disable-md5sum]</c> and
/// <c>nodectl partitions build &lt;csv&gt; --out &lt;bin&gt; [--board b | --flash-size 4MB] [--disable-md5sum]</c>.
/// Both agree byte for byte with ESP-IDF's gen_esp32part.py (CSV to binary, binary to CSV with --csv); what that tool
/// accepts silently but a person should know (a name cut to 16 bytes) is printed as a warning.
/// </summary>
public static class PartitionsCommand
{
    public static Command Create() => Create(BoardCatalog.Default);

    /// <summary>The command with boards looked up in a given catalog (tests point it at the checkout).</summary>
    public static Command Create(Func<BoardCatalog> catalog)
    {
        var command = new Command("partitions", "show, check and build ESP32 partition tables (CSV or binary)");
        command.Subcommands.Add(CreateShow(catalog));
        command.Subcommands.Add(CreateBuild(catalog));
        return command;
    }

    private static Option<string?> BoardOption() => new("--board") { Description = "board name in boards/: gives the flash size (and, for show, the table)" };

    private static Option<string?> FlashSizeOption() => new("--flash-size") { Description = "flash size the table must fit, e.g. 4MB" };

    private static Option<string> TableOffsetOption() => new("--table-offset") { Description = "partition table offset (CONFIG_PARTITION_TABLE_OFFSET)", DefaultValueFactory = _ => "0x8000" };

    private static Option<bool> NoMd5Option() => new("--disable-md5sum") { Description = "the table has no MD5 row (CONFIG_PARTITION_TABLE_MD5=n), as gen_esp32part's option of that name" };

    private static Command CreateShow(Func<BoardCatalog> catalog)
    {
        var file = new Argument<string?>("file") { Description = "partition table: CSV, or binary as read from flash", Arity = ArgumentArity.ZeroOrOne };
        var board = BoardOption();
        var flash = FlashSizeOption();
        var offset = TableOffsetOption();
        var csv = new Option<bool>("--csv") { Description = "print the table as CSV instead of a text table (as gen_esp32part converts a binary table)" };
        var noMd5 = NoMd5Option();
        var show = new Command("show", "print and validate a partition table") { file, board, flash, offset, csv, noMd5 };
        show.SetAction(result => Run(result, output =>
        {
            var (layout, boardTable) = Resolve(catalog, result.GetValue(board), result.GetValue(flash), result.GetValue(offset) ?? "0x8000");
            string path = result.GetValue(file) ?? boardTable
                ?? throw new PartitionTableException("give a partition table file or --board");
            var table = Load(path, layout, md5: !result.GetValue(noMd5));
            table.Validate(layout);
            PrintWarnings(result, table);
            if (result.GetValue(csv)) output.Write(PartitionCsv.Write(table));
            else PartitionTablePrinter.Print(table, layout.FlashSize, output);
        }));
        return show;
    }

    private static Command CreateBuild(Func<BoardCatalog> catalog)
    {
        var file = new Argument<string>("csv") { Description = "partition table CSV (gen_esp32part syntax)" };
        var outPath = new Option<string>("--out") { Description = "binary table to write (0xC00 bytes, flashed at the table offset)", Required = true };
        var board = BoardOption();
        var flash = FlashSizeOption();
        var offset = TableOffsetOption();
        var noMd5 = NoMd5Option();
        var build = new Command("build", "convert a CSV table to the binary the bootloader reads") { file, outPath, board, flash, offset, noMd5 };
        build.SetAction(result => Run(result, output =>
        {
            var (layout, _) = Resolve(catalog, result.GetValue(board), result.GetValue(flash), result.GetValue(offset) ?? "0x8000");
            string csvPath = result.GetValue(file)!;
            byte[] input = ReadBytes(csvPath);
            if (PartitionTableFile.IsBinary(input))
                throw new PartitionTableException($"{csvPath} is already a binary partition table; 'nodectl partitions show {csvPath} --csv' prints it as CSV");
            var table = WithPath(csvPath, () => PartitionCsv.Parse(input, layout));
            table.Validate(layout);
            byte[] bin = PartitionBinary.Write(table, md5: !result.GetValue(noMd5));
            PrintWarnings(result, table);
            string target = result.GetValue(outPath)!;
            string tmp = target + ".tmp";
            File.WriteAllBytes(tmp, bin);
            File.Move(tmp, target, overwrite: true);
            output.WriteLine($"wrote {target}: {table.Entries.Count} partitions, {bin.Length} bytes, flash at 0x{layout.TableOffset:x}");
        }));
        return build;
    }

    /// <summary>Runs an action, turning the errors an operator can fix into "error: ..." and exit code 1.</summary>
    internal static int Run(ParseResult result, Action<TextWriter> action)
    {
        var output = result.InvocationConfiguration.Output;
        try
        {
            action(output);
            return 0;
        }
        catch (Exception e) when (e is PartitionTableException or BoardFileException or IOException or UnauthorizedAccessException)
        {
            result.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }

    private static void PrintWarnings(ParseResult result, PartitionTable table)
    {
        foreach (string warning in table.Warnings) result.InvocationConfiguration.Error.WriteLine("warning: " + warning);
    }

    private static (PartitionLayout Layout, string? BoardTable) Resolve(Func<BoardCatalog> catalog, string? boardName, string? flashText, string offsetText)
    {
        if (!PartitionNumber.TryParse(offsetText, out long offset) || offset <= 0 || offset % 0x1000 != 0 || offset > uint.MaxValue)
            throw new PartitionTableException($"--table-offset '{offsetText}' is not a 4 KB-aligned address");
        long? flash = flashText == null ? null : FlashSize.Parse(flashText);
        var layout = new PartitionLayout(TableOffset: (uint)offset, FlashSize: flash);
        string? boardTable = null;
        if (boardName != null)
        {
            var board = catalog().Load(boardName);
            if (flash != null && flash != board.File.FlashSizeBytes)
                throw new PartitionTableException($"--flash-size {flashText} contradicts board {boardName} ({board.File.FlashSizeBytes / (1024 * 1024)}MB)");
            layout = PartitionLayout.ForChip(board.File.Chip, board.File.FlashSizeBytes) with { TableOffset = (uint)offset };
            boardTable = board.PartitionTablePath;
        }
        return (layout, boardTable);
    }

    private static PartitionTable Load(string path, PartitionLayout layout, bool md5)
    {
        byte[] data = ReadBytes(path);
        return WithPath(path, () => PartitionTableFile.Read(data, layout, md5));
    }

    private static PartitionTable WithPath(string path, Func<PartitionTable> read)
    {
        try
        {
            return read();
        }
        catch (PartitionTableException e)
        {
            throw new PartitionTableException(e.Kind, $"{path}: {e.Message}");
        }
    }

    private static byte[] ReadBytes(string path) =>
        File.Exists(path) ? File.ReadAllBytes(path) : throw new PartitionTableException($"{path}: no such file");
}

using System.CommandLine;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.Nodectl.Partitions;

/// <summary>
/// <c>nodectl partitions show [file] [--board b] [--flash-size 4MB] [--csv]</c> and
/// <c>nodectl partitions build &lt;csv&gt; --out &lt;bin&gt; [--board b | --flash-size 4MB]</c>.
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

    private static Command CreateShow(Func<BoardCatalog> catalog)
    {
        var file = new Argument<string?>("file") { Description = "partition table: CSV, or binary as read from flash", Arity = ArgumentArity.ZeroOrOne };
        var board = BoardOption();
        var flash = FlashSizeOption();
        var offset = TableOffsetOption();
        var csv = new Option<bool>("--csv") { Description = "print the table as CSV instead of a text table" };
        var show = new Command("show", "print and validate a partition table") { file, board, flash, offset, csv };
        show.SetAction(result => Run(result, output =>
        {
            var (layout, boardTable) = Resolve(catalog, result.GetValue(board), result.GetValue(flash), result.GetValue(offset) ?? "0x8000");
            string path = result.GetValue(file) ?? boardTable
                ?? throw new PartitionTableException("give a partition table file or --board");
            var table = Load(path, layout);
            table.Validate(layout);
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
        var build = new Command("build", "convert a CSV table to the binary the bootloader reads") { file, outPath, board, flash, offset };
        build.SetAction(result => Run(result, output =>
        {
            var (layout, _) = Resolve(catalog, result.GetValue(board), result.GetValue(flash), result.GetValue(offset) ?? "0x8000");
            string csvPath = result.GetValue(file)!;
            var table = PartitionCsv.Parse(ReadText(csvPath), layout);
            table.Validate(layout);
            byte[] bin = PartitionBinary.Write(table);
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

    private static (PartitionLayout Layout, string? BoardTable) Resolve(Func<BoardCatalog> catalog, string? boardName, string? flashText, string offsetText)
    {
        if (!PartitionNumber.TryParse(offsetText, out long offset) || offset <= 0 || offset % 0x1000 != 0 || offset > uint.MaxValue)
            throw new PartitionTableException($"--table-offset '{offsetText}' is not a 4 KB-aligned address");
        long? flash = flashText == null ? null : FlashSize.Parse(flashText);
        string? boardTable = null;
        if (boardName != null)
        {
            var board = catalog().Load(boardName);
            if (flash != null && flash != board.File.FlashSizeBytes)
                throw new PartitionTableException($"--flash-size {flashText} contradicts board {boardName} ({board.File.FlashSizeBytes / (1024 * 1024)}MB)");
            flash = board.File.FlashSizeBytes;
            boardTable = board.PartitionTablePath;
        }
        return (new PartitionLayout(TableOffset: (uint)offset, FlashSize: flash), boardTable);
    }

    private static PartitionTable Load(string path, PartitionLayout layout)
    {
        if (!File.Exists(path)) throw new PartitionTableException($"{path}: no such file");
        byte[] data = File.ReadAllBytes(path);
        bool binary = data.Length >= 2 && data[0] == 0xAA && data[1] == 0x50;
        try
        {
            return binary ? PartitionBinary.Read(data) : PartitionCsv.Parse(System.Text.Encoding.UTF8.GetString(data), layout);
        }
        catch (PartitionTableException e)
        {
            throw new PartitionTableException($"{path}: {e.Message}");
        }
    }

    private static string ReadText(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new PartitionTableException($"{path}: no such file");
}

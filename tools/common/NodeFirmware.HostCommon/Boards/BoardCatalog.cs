using System.Globalization;
using System.Text.Json;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Boards;

/// <summary>The boards/ folder of a checkout: lists, loads and validates board files.</summary>
public sealed class BoardCatalog
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    public BoardCatalog(string repoRoot)
    {
        Root = repoRoot;
        BoardsDirectory = Path.Combine(repoRoot, "boards");
        PartitionTablesDirectory = Path.Combine(repoRoot, "bootloader-config");
    }

    /// <summary>The catalog of the checkout found by <see cref="RepoLocator"/>.</summary>
    public static BoardCatalog Default() => new(RepoLocator.FindRoot());

    public string Root { get; }
    public string BoardsDirectory { get; }
    public string PartitionTablesDirectory { get; }

    public IReadOnlyList<string> Names() =>
        Directory.Exists(BoardsDirectory)
            ? Directory.GetFiles(BoardsDirectory, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal).ToList()
            : Array.Empty<string>();

    public Board Load(string name)
    {
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains(".."))
            throw new BoardFileException($"'{name}' is not a board name");
        string path = Path.Combine(BoardsDirectory, name + ".json");
        if (!File.Exists(path))
            throw new BoardFileException($"no board '{name}' in {BoardsDirectory} (have: {string.Join(", ", Names())})");
        return Parse(File.ReadAllText(path), path, name);
    }

    public IReadOnlyList<Board> LoadAll() => Names().Select(Load).ToList();

    /// <summary>Parses and validates a board file's text; <paramref name="expectedName"/> must equal its "name".</summary>
    public Board Parse(string json, string path, string expectedName)
    {
        BoardFile file;
        try
        {
            file = JsonSerializer.Deserialize<BoardFile>(json, Json) ?? throw new BoardFileException($"{path}: empty board file");
        }
        catch (JsonException e)
        {
            throw new BoardFileException($"{path}: {e.Message}", e);
        }
        var errors = BoardValidator.Check(file, expectedName).ToList();
        if (errors.Count > 0) throw new BoardFileException($"{path}: " + string.Join("; ", errors));

        string tablePath = Path.Combine(PartitionTablesDirectory, file.PartitionTable);
        if (!File.Exists(tablePath)) throw new BoardFileException($"{path}: partitionTable '{file.PartitionTable}' not found in {PartitionTablesDirectory}");
        PartitionTable table;
        try
        {
            table = PartitionCsv.Parse(File.ReadAllText(tablePath));
            table.Validate(PartitionLayout.Esp32(file.FlashSizeBytes));
        }
        catch (PartitionTableException e)
        {
            throw new BoardFileException($"{path}: partition table {file.PartitionTable}: {e.Message}", e);
        }
        string layoutPath = Path.Combine(PartitionTablesDirectory, file.FlashLayout);
        if (!File.Exists(layoutPath)) throw new BoardFileException($"{path}: flashLayout '{file.FlashLayout}' not found in {PartitionTablesDirectory}");
        var layout = FlashLayout.Parse(File.ReadAllText(layoutPath), layoutPath, table, file.FlashSizeBytes);
        if (layout.File.PartitionTable != file.PartitionTable)
            throw new BoardFileException($"{path}: flash layout {file.FlashLayout} is for {layout.File.PartitionTable}, the board uses {file.PartitionTable}");
        if (layout.File.Chip != file.Chip)
            throw new BoardFileException($"{path}: flash layout {file.FlashLayout} is for chip {layout.File.Chip}, the board is {file.Chip}");
        int address = int.Parse(file.Bme280.Address.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new Board(file, path, table, tablePath, layout, address);
    }
}

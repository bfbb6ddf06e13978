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

    /// <summary>boards/board.schema.json: the JSON schema of a board file, not a board.</summary>
    public const string SchemaFileName = "board.schema.json";

    public string SchemaPath => Path.Combine(BoardsDirectory, SchemaFileName);

    public IReadOnlyList<string> Names() =>
        Directory.Exists(BoardsDirectory)
            ? Directory.GetFiles(BoardsDirectory, "*.json")
                .Where(p => !p.EndsWith(".schema.json", StringComparison.Ordinal))
                .Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal).ToList()
            : Array.Empty<string>();

    public Board Load(string name)
    {
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains("..") || name.EndsWith(".schema", StringComparison.Ordinal))
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
            var chipLayout = PartitionLayout.ForChip(file.Chip, file.FlashSizeBytes);
            table = PartitionCsv.Parse(File.ReadAllBytes(tablePath), chipLayout);
            table.Validate(chipLayout);
        }
        catch (PartitionTableException e)
        {
            throw new BoardFileException($"{path}: partition table {file.PartitionTable}: {e.Message}", e);
        }
        var config = table.Find("config") ?? throw new BoardFileException($"{path}: partition table {file.PartitionTable} has no 'config' partition (LittleFS I:\\)");
        if (StorageBudget.Check(file.AppSizeBytes, config.Size) is string tooSmall)
            throw new BoardFileException($"{path}: appSizeBytes: {tooSmall}");
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

using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// "nodectl flash --board B": the images to write, placed by the board's flash layout and partition table
/// (boards/B.json, bootloader-config/flash-layout-*.json and partitions-*.csv) and checked before connecting.
/// An image is named by a layout image or partition (NAME=FILE) or by an offset (OFFSET:FILE) that must be where
/// one starts; it must fit there; a partition table goes only to the table offset and must be the board's table.
/// Without --image, the layout's files are taken from a folder, and the table is built from the board's CSV
/// when its file is not there.
/// </summary>
public sealed record BoardFlashPlan(Board Board, IReadOnlyList<FlashImage> Images, IReadOnlyList<string> Notes)
{
    /// <summary>A place an image can go on the board: a layout image (also known by its partition's name) or a partition.</summary>
    private sealed record Target(string Name, uint Offset, uint MaxBytes, string What, string? Partition = null)
    {
        public bool IsCalled(string name) => Name == name || Partition == name;
    }

    /// <summary>Loads a board by name; an unknown name is refused with the closest known one.</summary>
    public static Board LoadBoard(BoardCatalog catalog, string name)
    {
        var names = catalog.Names();
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            string hint = BoardNames.Closest(name, names) is { } near ? $"; did you mean '{near}'?" : "";
            throw new FlashingException(
                $"unknown board '{name}'{hint} Boards in {catalog.BoardsDirectory}: {string.Join(", ", names)}");
        }

        try
        {
            return catalog.Load(name);
        }
        catch (BoardFileException e)
        {
            throw new FlashingException($"board '{name}' cannot be used: {e.Message}");
        }
    }

    public static BoardFlashPlan Resolve(Board board, IReadOnlyList<string> specs, string imagesDirectory)
    {
        var targets = Targets(board);
        var notes = new List<string>();
        var placed = new List<(FlashImage Image, Target Target)>();
        if (specs.Count == 0)
        {
            placed.AddRange(FromFolder(board, targets, imagesDirectory, notes));
        }
        else
        {
            foreach (string spec in specs)
            {
                var (target, path) = Parse(spec, board, targets);
                placed.Add((Read(path, target.Offset), target));
            }
        }

        var duplicate = placed.GroupBy(p => p.Target.Offset).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new FlashingException(
                $"{string.Join(" and ", duplicate.Select(p => p.Image.Name))} would both be written at 0x{duplicate.Key:X} ({duplicate.First().Target.What}); give one image per place");
        }

        uint tableOffset = TableOffset(board);
        foreach (var (image, target) in placed)
        {
            if (image.Data.Length > target.MaxBytes)
            {
                throw new FlashingException(
                    $"{image.Name} is {image.Data.Length} bytes (0x{image.Data.Length:X}), larger than {target.What} at 0x{target.Offset:X} " +
                    $"(0x{target.MaxBytes:X} bytes) on board {board.Name}; check that it is the right file for this board");
            }
        }

        var images = placed.Select(p => p.Image).ToList();
        var problem = FlashImageChecks.PartitionTablePlacement(images, tableOffset, $"board {board.Name}'s layout")
            ?? FlashImageChecks.PastEnd(images, board.File.FlashSizeBytes)
            ?? TableMismatch(board, images.FirstOrDefault(i => i.Offset == tableOffset));
        if (problem is not null)
        {
            throw new FlashingException(problem);
        }

        return new BoardFlashPlan(board, images.OrderBy(i => i.Offset).ToList(), notes);
    }

    private static IEnumerable<(FlashImage, Target)> FromFolder(Board board, IReadOnlyList<Target> targets, string folder, List<string> notes)
    {
        uint tableOffset = TableOffset(board);
        var missing = new List<string>();
        var found = new List<(FlashImage, Target)>();
        foreach (var placement in board.FlashLayout.Images)
        {
            var target = targets.First(t => t.Offset == placement.Offset);
            string path = Path.Combine(folder, placement.File);
            if (File.Exists(path))
            {
                found.Add((Read(path, placement.Offset), target));
            }
            else if (placement.Offset == tableOffset)
            {
                found.Add((new FlashImage(tableOffset, PartitionBinary.Write(board.Partitions), placement.File), target));
                notes.Add($"{placement.File}: built from {Path.GetFileName(board.PartitionTablePath)} (not found in {folder})");
            }
            else
            {
                missing.Add($"{placement.Name} ({placement.File})");
            }
        }

        if (missing.Count > 0)
        {
            throw new FlashingException(
                $"board {board.Name}'s layout needs {string.Join(", ", missing)}, not found in {Path.GetFullPath(folder)}; " +
                $"put them there or pass --images-dir, or write only some images with --image NAME=FILE (names: {string.Join(", ", targets.Select(t => t.Name))})");
        }

        return found;
    }

    private static (Target Target, string Path) Parse(string spec, Board board, IReadOnlyList<Target> targets)
    {
        int equals = spec.IndexOf('=');
        if (equals > 0 && !spec[..equals].Contains(':') && !char.IsAsciiDigit(spec[0]))
        {
            string name = spec[..equals];
            var byName = targets.FirstOrDefault(t => t.IsCalled(name))
                ?? throw new FlashingException(
                    $"board {board.Name} has no image or partition named '{name}' (have: {string.Join(", ", targets.Select(t => t.Name))})");
            return (byName, RequireFile(spec[(equals + 1)..], spec));
        }

        int colon = spec.IndexOf(':');
        if (colon <= 0 || colon == spec.Length - 1)
        {
            throw new FlashingException($"image \"{spec}\" is neither NAME=FILE (e.g. nanoclr=nanoCLR.bin) nor OFFSET:FILE (e.g. 0x10000:nanoCLR.bin)");
        }

        uint offset = FlashImage.ParseOffset(spec[..colon]);
        var byOffset = targets.FirstOrDefault(t => t.Offset == offset)
            ?? throw new FlashingException(
                $"0x{offset:X} is not where an image or partition starts on board {board.Name}, so \"{spec}\" would land inside one; " +
                $"use one of {string.Join(", ", targets.Select(t => $"0x{t.Offset:X} ({t.Name})"))} or --image NAME=FILE");
        return (byOffset, RequireFile(spec[(colon + 1)..], spec));
    }

    private static string RequireFile(string path, string spec) =>
        File.Exists(path) ? path : throw new FlashingException($"image file \"{path}\" (from \"{spec}\") does not exist");

    private static FlashImage Read(string path, uint offset)
    {
        var data = File.ReadAllBytes(path);
        return data.Length > 0 ? new FlashImage(offset, data, Path.GetFileName(path)) : throw new FlashingException($"image file \"{path}\" is empty");
    }

    /// <summary>The layout's images first (bootloader and table included), then the partitions no layout image fills.</summary>
    private static IReadOnlyList<Target> Targets(Board board)
    {
        var targets = board.FlashLayout.Images
            .Select(i => new Target(i.Name, i.Offset, i.MaxBytes, i.Partition is { } p ? $"partition '{p}'" : $"the {i.Name} area", i.Partition))
            .ToList();
        foreach (var entry in board.Partitions.Entries.Where(e => targets.All(t => t.Offset != e.Offset)))
        {
            targets.Add(new Target(entry.Name, entry.Offset, entry.Size, $"partition '{entry.Name}'"));
        }

        return targets;
    }

    private static uint TableOffset(Board board) =>
        PartitionNumber.TryParse(board.FlashLayout.File.TableOffset, out long offset) ? (uint)offset : PartitionLayout.DefaultTableOffset;

    /// <summary>A table image that is not the board's own table would leave the layout's offsets wrong on the chip.</summary>
    private static string? TableMismatch(Board board, FlashImage? table)
    {
        if (table is null)
        {
            return null;
        }

        string build = $"nodectl partitions build bootloader-config/{Path.GetFileName(board.PartitionTablePath)} --out {table.Name} --board {board.Name}";
        PartitionTable written;
        try
        {
            written = PartitionBinary.Read(table.Data);
        }
        catch (PartitionTableException e)
        {
            return $"{table.Name} is not a valid partition table ({e.Message}); rebuild it: {build}";
        }

        if (!written.Entries.SequenceEqual(board.Partitions.Entries))
        {
            var differs = written.Entries.Zip(board.Partitions.Entries).FirstOrDefault(p => p.First != p.Second);
            string detail = differs.First is not null ? $"it has {differs.First} where the board has {differs.Second}" : $"it has {written.Entries.Count} partitions, the board {board.Partitions.Entries.Count}";
            return $"{table.Name} is not board {board.Name}'s partition table ({detail}); rebuild it: {build}";
        }

        return null;
    }
}

using System.Text.Json;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Boards;

/// <summary>
/// A validated flash layout: every image with its offset and size limit, checked against the partition
/// table (an image that fills a partition must start at that partition's offset) and against each other.
/// nodectl flash takes its offsets from here.
/// </summary>
public sealed class FlashLayout
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private FlashLayout(FlashLayoutFile file, IReadOnlyList<FlashImagePlacement> images)
    {
        File = file;
        Images = images;
    }

    public FlashLayoutFile File { get; }

    /// <summary>Images in offset order.</summary>
    public IReadOnlyList<FlashImagePlacement> Images { get; }

    public FlashImagePlacement Image(string name) =>
        Images.FirstOrDefault(i => i.Name == name) ?? throw new BoardFileException($"flash layout has no image '{name}' (have: {string.Join(", ", Images.Select(i => i.Name))})");

    public static FlashLayout Parse(string json, string path, PartitionTable table, long boardFlashSize)
    {
        FlashLayoutFile file;
        try
        {
            file = JsonSerializer.Deserialize<FlashLayoutFile>(json, Json) ?? throw new BoardFileException($"{path}: empty flash layout");
        }
        catch (JsonException e)
        {
            throw new BoardFileException($"{path}: {e.Message}", e);
        }
        string Fail(string m) => throw new BoardFileException($"{path}: {m}");
        if (file.Schema != 1) Fail($"schema {file.Schema} is not supported (expected 1)");
        if (file.FlashSizeBytes != boardFlashSize) Fail($"flashSizeBytes {file.FlashSizeBytes} differs from the board's {boardFlashSize}");
        uint tableOffset = Address(file.TableOffset, "tableOffset", path);
        if (file.Images.Count == 0) Fail("no images");

        var placements = new List<FlashImagePlacement>();
        foreach (var image in file.Images)
        {
            uint offset = Address(image.Offset, $"image '{image.Name}' offset", path);
            if (offset % 0x1000 != 0) Fail($"image '{image.Name}' offset 0x{offset:x} is not on a 4 KB sector boundary");
            if (string.IsNullOrWhiteSpace(image.File) || Path.GetFileName(image.File) != image.File) Fail($"image '{image.Name}' file '{image.File}' must be a plain file name");
            if (string.IsNullOrWhiteSpace(image.Source)) Fail($"image '{image.Name}' has no source");
            uint max;
            if (image.Partition != null)
            {
                var p = table.Find(image.Partition) ?? throw new BoardFileException($"{path}: image '{image.Name}' names partition '{image.Partition}', which {file.PartitionTable} does not have");
                if (p.Offset != offset) Fail($"image '{image.Name}' at 0x{offset:x} but partition '{p.Name}' starts at 0x{p.Offset:x}");
                max = p.Size;
                if (image.MaxBytes != null && Address(image.MaxBytes, $"image '{image.Name}' maxBytes", path) != p.Size)
                    Fail($"image '{image.Name}' maxBytes differs from partition '{p.Name}' size 0x{p.Size:x}");
            }
            else
            {
                if (image.MaxBytes == null) Fail($"image '{image.Name}' needs maxBytes or a partition");
                max = Address(image.MaxBytes!, $"image '{image.Name}' maxBytes", path);
                var inside = table.Entries.FirstOrDefault(e => offset < e.End && offset + max > e.Offset);
                if (inside != null) Fail($"image '{image.Name}' (0x{offset:x}+0x{max:x}) overlaps partition '{inside.Name}'");
            }
            if ((long)offset + max > boardFlashSize) Fail($"image '{image.Name}' runs past the end of the flash");
            placements.Add(new FlashImagePlacement(image.Name, image.File, offset, max, image.Partition));
        }
        if (placements.Select(p => p.Name).Distinct().Count() != placements.Count) Fail("image names are not unique");
        var ordered = placements.OrderBy(p => p.Offset).ToList();
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Offset < (long)ordered[i - 1].Offset + ordered[i - 1].MaxBytes)
                Fail($"image '{ordered[i].Name}' at 0x{ordered[i].Offset:x} overlaps image '{ordered[i - 1].Name}'");
        }
        if (!ordered.Any(p => p.Offset == tableOffset)) Fail($"no image at the partition table offset 0x{tableOffset:x}");
        foreach (var n in file.NotWritten)
        {
            if (table.Find(n.Partition) == null) Fail($"notWritten names partition '{n.Partition}', which {file.PartitionTable} does not have");
        }
        return new FlashLayout(file, ordered);
    }

    private static uint Address(string text, string what, string path)
    {
        if (!PartitionNumber.TryParse(text, out long v) || v < 0 || v > uint.MaxValue)
            throw new BoardFileException($"{path}: {what} '{text}' is not an address");
        return (uint)v;
    }
}

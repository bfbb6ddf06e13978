namespace NodeFirmware.Nodectl.Flashing;

/// <summary>Consecutive 4 KiB flash sectors, by address: what one sector-aligned FLASH_(DEFL_)BEGIN erases and writes.</summary>
public readonly record struct SectorRun(uint Offset, uint Length)
{
    public uint End => Offset + Length;

    public int Sectors => (int)(Length / RomProtocol.FLASH_SECTOR_SIZE);

    /// <summary>Joins touching runs (sorted by offset) so each group is written with one begin command.</summary>
    public static IReadOnlyList<SectorRun> Merge(IEnumerable<SectorRun> runs)
    {
        var merged = new List<SectorRun>();
        foreach (var run in runs.OrderBy(r => r.Offset))
        {
            if (merged.Count > 0 && merged[^1].End == run.Offset)
            {
                merged[^1] = new SectorRun(merged[^1].Offset, merged[^1].Length + run.Length);
            }
            else
            {
                merged.Add(run);
            }
        }

        return merged;
    }

    public override string ToString() => $"0x{Offset:X}..0x{End:X} ({Sectors} sector{(Sectors == 1 ? "" : "s")})";
}

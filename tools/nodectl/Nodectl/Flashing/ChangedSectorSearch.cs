using System.Security.Cryptography;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>Which sectors of a region differ from the bytes that should be there, and what finding out cost.</summary>
public sealed record ChangedSectors(IReadOnlyList<SectorRun> Runs, int Md5Queries, bool QueryBudgetSpent)
{
    public long BytesChanged => Runs.Sum(r => (long)r.Length);
}

/// <summary>
/// Finds the 4 KiB sectors whose flash contents differ from a target, asking the chip only for MD5s
/// (SPI_FLASH_MD5 over a range; the ROM loader has no other way to compare without reading everything back).
/// It halves differing ranges breadth-first: when the left half of a differing range matches, the right half
/// must differ and is not asked about. A range that reads as erased flash (0xFF) is written whole without
/// splitting, so a blank chip costs one query. The number of queries is capped (each costs about 70 bytes on
/// the wire, a changed sector about 2 KB compressed); ranges left unsettled at the cap are written whole,
/// which is never wrong, only slower.
/// </summary>
public static class ChangedSectorSearch
{
    private const int Sector = RomProtocol.FLASH_SECTOR_SIZE;

    /// <summary>The default cap: at least 64 queries, and a quarter of a query per sector for large regions.</summary>
    public static int DefaultQueryBudget(int sectors) => Math.Max(64, sectors / 4);

    /// <param name="offset">Sector-aligned flash address of <paramref name="target"/>.</param>
    /// <param name="target">What the sectors should hold, a whole number of sectors.</param>
    /// <param name="flashMd5">The chip's MD5 (lower-case hex) of flash [address, address + length).</param>
    public static ChangedSectors Find(uint offset, ReadOnlySpan<byte> target, Func<uint, uint, string> flashMd5, int? queryBudget = null)
    {
        if (offset % Sector != 0 || target.Length % Sector != 0)
        {
            throw new ArgumentException($"region 0x{offset:X}+{target.Length} is not whole 4 KiB sectors");
        }

        int sectors = target.Length / Sector;
        int budget = queryBudget ?? DefaultQueryBudget(sectors);
        var changed = new List<SectorRun>();
        var pending = new Queue<(int First, int Count, bool KnownDifferent)>();
        if (sectors > 0)
        {
            pending.Enqueue((0, sectors, false));
        }

        int queries = 0;
        bool spent = false;
        var wantedAll = target.ToArray();
        Contents Ask(int first, int count)
        {
            queries++;
            string actual = flashMd5(offset + (uint)(first * Sector), (uint)(count * Sector));
            return actual == Md5Hex(wantedAll.AsSpan(first * Sector, count * Sector)) ? Contents.Same
                : actual == ErasedMd5(count) ? Contents.Erased
                : Contents.Different;
        }

        SectorRun Run(int first, int count) => new(offset + (uint)(first * Sector), (uint)(count * Sector));

        while (pending.Count > 0)
        {
            var (first, count, knownDifferent) = pending.Dequeue();
            if (!knownDifferent)
            {
                if (queries >= budget)
                {
                    spent = true;
                    changed.Add(Run(first, count));
                    continue;
                }

                var contents = Ask(first, count);
                if (contents == Contents.Same)
                {
                    continue;
                }

                // Erased flash: every target sector in it that is not blank must be written, so there is nothing to split.
                if (contents == Contents.Erased || count == 1)
                {
                    changed.Add(Run(first, count));
                    continue;
                }
            }
            else if (count == 1)
            {
                changed.Add(Run(first, count));
                continue;
            }

            if (queries >= budget)
            {
                spent = true;
                changed.Add(Run(first, count));
                continue;
            }

            int half = count / 2;
            var left = Ask(first, half);
            if (left == Contents.Same)
            {
                // The range differs and its left half does not: the difference is in the right half.
                pending.Enqueue((first + half, count - half, true));
                continue;
            }

            if (left == Contents.Erased || half == 1)
            {
                changed.Add(Run(first, half));
            }
            else
            {
                pending.Enqueue((first, half, true));
            }

            pending.Enqueue((first + half, count - half, false));
        }

        return new ChangedSectors(SectorRun.Merge(changed), queries, spent);
    }

    private enum Contents
    {
        Same,
        Erased,
        Different,
    }

    public static string Md5Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(MD5.HashData(data));

    private static string ErasedMd5(int sectors)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var erased = new byte[Sector];
        erased.AsSpan().Fill(0xFF);
        for (int i = 0; i < sectors; i++)
        {
            md5.AppendData(erased);
        }

        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }
}

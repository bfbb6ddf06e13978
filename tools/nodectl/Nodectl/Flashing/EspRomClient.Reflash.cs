namespace NodeFirmware.Nodectl.Flashing;

/// <summary>What writing only the changed sectors of one image did.</summary>
public sealed record ReflashResult(FlashImageResult Write, int SectorsCovered, ChangedSectors Changes)
{
    public int SectorsWritten => Changes.Runs.Sum(r => r.Sectors);

    public int SectorsSkipped => SectorsCovered - SectorsWritten;

    public long BytesSkipped => (long)SectorsSkipped * RomProtocol.FLASH_SECTOR_SIZE;
}

public sealed partial class EspRomClient
{
    /// <summary>
    /// Writes each image by its changed sectors only: asks the chip for MD5s of the sectors the image covers
    /// (<see cref="ChangedSectorSearch"/>), writes each group of adjacent changed sectors with one sector-aligned
    /// begin command that erases exactly that group, then (with <paramref name="verify"/>) checks the whole image
    /// with one SPI_FLASH_MD5. The sectors end up as a whole write leaves them: the image, then 0xFF to the end
    /// of its last sector.
    /// </summary>
    public IReadOnlyList<ReflashResult> WriteChangedSectors(
        IReadOnlyList<FlashImage> images, bool compress, bool verify, Action<FlashProgress>? progress = null)
    {
        EnsureConnected();
        FlashLayout.Check(images);
        var results = new List<ReflashResult>();
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            var target = SectorImage(image.Data);
            progress?.Invoke(new FlashProgress(i, images.Count, image.Name, 0, image.Data.Length, "comparing"));
            var changes = ChangedSectorSearch.Find(image.Offset, target, FlashMd5);

            int sent = 0;
            long before = 0;
            foreach (var run in changes.Runs)
            {
                var slice = target.AsSpan((int)(run.Offset - image.Offset), (int)run.Length).ToArray();
                long runStart = before;
                int index = i;
                sent += WriteSectorRun(run, slice, compress, image.Name, w =>
                    progress?.Invoke(new FlashProgress(index, images.Count, image.Name, Math.Min(runStart + w, image.Data.Length), image.Data.Length, "writing")));
                before += run.Length;
            }

            string? md5 = null;
            if (verify)
            {
                progress?.Invoke(new FlashProgress(i, images.Count, image.Name, image.Data.Length, image.Data.Length, "verifying"));
                md5 = VerifyImage(image);
            }

            results.Add(new ReflashResult(new FlashImageResult(image, sent, compress, md5), target.Length / RomProtocol.FLASH_SECTOR_SIZE, changes));
        }

        return results;
    }

    /// <summary>The image followed by 0xFF up to the end of its last sector: what a whole write leaves in those sectors.</summary>
    public static byte[] SectorImage(byte[] data)
    {
        int sectors = (data.Length + RomProtocol.FLASH_SECTOR_SIZE - 1) / RomProtocol.FLASH_SECTOR_SIZE;
        var target = new byte[sectors * RomProtocol.FLASH_SECTOR_SIZE];
        target.AsSpan().Fill(0xFF);
        data.CopyTo(target, 0);
        return target;
    }
}

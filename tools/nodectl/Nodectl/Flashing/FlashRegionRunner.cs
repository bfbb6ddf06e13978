using System.Security.Cryptography;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>What a verify run found for one image.</summary>
public sealed record ImageCheck(FlashImage Image, string Expected, string Actual, IReadOnlyList<SectorRun> DifferingSectors)
{
    public bool Matches => Expected == Actual;
}

/// <summary>
/// The read-flash, verify and erase-region workflows over a connected link, for checking a board on the line
/// without another tool. Exit codes: 0 done (verify: every image matches), 1 failed to talk to or act on the
/// board, 3 verify found a mismatch.
/// </summary>
public static class FlashRegionRunner
{
    public const int MismatchExitCode = 3;

    /// <summary>READ_FLASH_SLOW, 64 bytes per round trip: the ROM loader has no faster read (READ_FLASH is the stub's).</summary>
    public static int ReadFlash(EspRomClient client, uint offset, uint size, string output, int baudRate, uint? flashSize, bool resetAfter, IAnsiConsole console)
    {
        return FlashRunner.Guard(console, () =>
        {
            Start(client, flashSize, console, new[] { ($"0x{offset:X}+0x{size:X}", offset, (long)size) }, baudRate);
            console.MarkupLineInterpolated($"Reading 0x{size:X} bytes from 0x{offset:X} ({(size + 63) / 64} READ_FLASH_SLOW round trips)...");
            var data = client.ReadFlash(offset, (int)size);
            File.WriteAllBytes(output, data);
            console.MarkupLineInterpolated($"[green]Read[/] {size} bytes from 0x{offset:X} into {output} (MD5 {Convert.ToHexStringLower(MD5.HashData(data))})");
            Finish(client, resetAfter);
        });
    }

    /// <summary>Prints "match" or "MISMATCH" per image; any mismatch gives <see cref="MismatchExitCode"/>.</summary>
    public static int Verify(EspRomClient client, IReadOnlyList<FlashImage> images, uint? flashSize, bool resetAfter, IAnsiConsole console)
    {
        var checks = new List<ImageCheck>();
        int exit = FlashRunner.Guard(console, () =>
        {
            Start(client, flashSize, console, images.Select(i => (i.Name, i.Offset, (long)i.Data.Length)));
            foreach (var image in images)
            {
                var check = Check(client, image);
                checks.Add(check);
                if (check.Matches)
                {
                    console.MarkupLineInterpolated($"[green]match[/]    {image.Name} at 0x{image.Offset:X} ({image.Data.Length} bytes, MD5 {check.Actual})");
                }
                else
                {
                    string where = check.DifferingSectors.Count > 0 ? $"; differing sectors: {string.Join(", ", check.DifferingSectors)}" : "";
                    console.MarkupLineInterpolated(
                        $"[red]MISMATCH[/] {image.Name} at 0x{image.Offset:X}: flash MD5 {check.Actual}, image MD5 {check.Expected}{where}");
                }
            }

            Finish(client, resetAfter);
        });
        if (exit != 0)
        {
            return exit;
        }

        int bad = checks.Count(c => !c.Matches);
        if (bad > 0)
        {
            console.MarkupLineInterpolated($"[red]{bad} of {checks.Count} image(s) differ from the flash[/]: write them again with `nodectl flash` (it rewrites only the differing sectors)");
            return MismatchExitCode;
        }

        return 0;
    }

    /// <summary>FLASH_BEGIN with the size and no packets (the ROM has no ERASE_REGION), then an MD5 check that the region reads as erased.</summary>
    public static int EraseRegion(EspRomClient client, uint offset, uint size, uint? flashSize, bool resetAfter, IAnsiConsole console)
    {
        return FlashRunner.Guard(console, () =>
        {
            Start(client, flashSize, console, new[] { ($"region 0x{offset:X}+0x{size:X}", offset, (long)size) });
            client.EraseRegion(offset, size);
            var erased = new byte[size];
            erased.AsSpan().Fill(0xFF);
            if (client.FlashMd5(offset, size) != ChangedSectorSearch.Md5Hex(erased))
            {
                throw new FlashingException($"0x{offset:X}+0x{size:X} does not read back as erased (0xFF) after FLASH_BEGIN; the flash may be failing or write-protected");
            }

            console.MarkupLineInterpolated($"[green]Erased[/] 0x{offset:X}..0x{offset + (long)size:X} ({size / RomProtocol.FLASH_SECTOR_SIZE} sectors), checked blank");
            Finish(client, resetAfter);
        });
    }

    /// <summary>The image's MD5 against the flash's; on a mismatch, which of its sectors differ.</summary>
    public static ImageCheck Check(EspRomClient client, FlashImage image)
    {
        int padded = (image.Data.Length + 3) / 4 * 4; // as written: the ROM takes whole words, padded with 0xFF
        var expectedBytes = new byte[padded];
        expectedBytes.AsSpan().Fill(0xFF);
        image.Data.CopyTo(expectedBytes, 0);
        string expected = ChangedSectorSearch.Md5Hex(expectedBytes);
        string actual = client.FlashMd5(image.Offset, (uint)padded);
        if (actual == expected || image.Offset % RomProtocol.FLASH_SECTOR_SIZE != 0)
        {
            return new ImageCheck(image, expected, actual, Array.Empty<SectorRun>());
        }

        var sectors = ChangedSectorSearch.Find(image.Offset, EspRomClient.SectorImage(image.Data), client.FlashMd5);
        return new ImageCheck(image, expected, actual, sectors.Runs);
    }

    /// <summary>Connects, sets (or reads) the flash size, refuses regions past its end, then changes the baud rate if asked.</summary>
    private static void Start(EspRomClient client, uint? flashSize, IAnsiConsole console, IEnumerable<(string Name, uint Offset, long Length)> regions, int? baudRate = null)
    {
        FlashRunner.Prepare(client, console);
        uint? size = flashSize;
        if (size is { } known)
        {
            client.SetFlashParameters(known);
        }
        else
        {
            size = FlashRunner.DetectFlashSize(client, console);
        }

        foreach (var (name, offset, length) in regions)
        {
            if (size is { } chip && FlashImageChecks.PastEnd(name, offset, length, chip) is { } pastEnd)
            {
                throw new FlashingException(pastEnd);
            }
        }

        if (baudRate is { } baud && baud != client.Channel.Link.BaudRate)
        {
            client.ChangeBaudRate(baud);
        }
    }

    private static void Finish(EspRomClient client, bool resetAfter)
    {
        if (resetAfter)
        {
            client.HardReset();
        }
    }
}

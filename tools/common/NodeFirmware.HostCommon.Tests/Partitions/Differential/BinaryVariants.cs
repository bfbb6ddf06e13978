using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NodeFirmware.HostCommon.Tests.Partitions.Differential;

/// <summary>
/// Changes to a good binary table (or to how it is read) that probe the reading direction: a damaged MD5 or magic,
/// a table cut short, unknown flag bits, a label that is not UTF-8, the MD5 row moved, dropped or not expected,
/// bytes after the end marker, a table offset above the first partition.
/// </summary>
internal static class BinaryVariants
{
    public static readonly string[] Names =
    {
        "flip-md5", "bad-magic", "cut-before-end", "cut-in-row", "unknown-flag", "label-not-utf8", "entry-after-md5",
        "drop-md5", "read-without-md5", "trailing-junk", "higher-table-offset",
    };

    /// <summary>The first variant from <paramref name="start"/> on (cycling) that applies to this table, or null.</summary>
    public static string? Choose(int start, byte[] bin, GenOptions options)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            string name = Names[(start + i) % Names.Length];
            if (Apply(name, bin, options) != null) return name;
        }
        return null;
    }

    /// <summary>The changed bytes and the settings to read them with, or null when the variant does not apply (too few entries, no MD5 row).</summary>
    public static (byte[] Data, GenOptions Options)? Apply(string name, byte[] bin, GenOptions options)
    {
        int entries = 0;
        while ((entries + 1) * 32 <= bin.Length && bin[entries * 32] == 0xAA && bin[entries * 32 + 1] == 0x50) entries++;
        int used = entries + (options.Md5 ? 1 : 0);
        byte[] b = (byte[])bin.Clone();
        switch (name)
        {
            case "flip-md5" when options.Md5:
                b[entries * 32 + 16] ^= 0x5A;
                return (b, options);
            case "bad-magic" when entries >= 2:
                b[(entries - 1) * 32 + 1] = 0x51;
                return (b, options);
            case "cut-before-end" when used >= 1:
                return (b[..(used * 32)], options);
            case "cut-in-row" when used >= 1:
                return (b[..(used * 32 - 7)], options);
            case "unknown-flag" when entries >= 1:
                b[(entries - 1) * 32 + 29] |= 0x01;
                return (WithMd5(b, entries, options), options);
            case "label-not-utf8" when entries >= 1:
                "aaaaaaaaaaaaaaa\u00C3"u8.ToArray().AsSpan(0, 15).CopyTo(b.AsSpan(12));
                b[27] = 0xC3;
                return (WithMd5(b, entries, options), options);
            case "entry-after-md5" when options.Md5 && entries >= 2:
            {
                var moved = (byte[])bin.Clone();
                bin.AsSpan((entries - 1) * 32, 32).CopyTo(moved.AsSpan(entries * 32));
                moved.AsSpan((entries - 1) * 32, 32).Fill(0xFF);
                BinaryPrimitives.WriteUInt16LittleEndian(moved.AsSpan((entries - 1) * 32), 0xEBEB);
                MD5.HashData(bin.AsSpan(0, (entries - 1) * 32)).CopyTo(moved, (entries - 1) * 32 + 16);
                return (moved, options);
            }
            case "drop-md5" when options.Md5:
                b.AsSpan(entries * 32, 32).Fill(0xFF);
                return (b, options);
            case "read-without-md5" when options.Md5 && entries >= 1:
                return (b, options with { Md5 = false });
            case "trailing-junk":
                return (b[..((used + 1) * 32)].Concat(new byte[] { 0, 1, 2, 3, 4 }).ToArray(), options);
            case "higher-table-offset" when entries >= 1:
            {
                uint first = BinaryPrimitives.ReadUInt32LittleEndian(bin.AsSpan(4));
                uint offset = Math.Max(options.TableOffset + 0x1000, first & ~0xFFFu);
                return (b, options with { TableOffset = offset });
            }
            default:
                return null;
        }
    }

    private static byte[] WithMd5(byte[] b, int entries, GenOptions options)
    {
        if (options.Md5) MD5.HashData(b.AsSpan(0, entries * 32)).CopyTo(b, entries * 32 + 16);
        return b;
    }
}

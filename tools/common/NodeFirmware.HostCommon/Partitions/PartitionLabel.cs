using System.Text;

namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// The 16-byte label field of a binary entry. gen_esp32part packs the name's UTF-8 bytes into it as a fixed 16-byte
/// string: shorter names are padded with zeros, longer ones silently keep their first 16 bytes (even when that cuts a
/// character in two), and nothing refuses them. Reading stops at the first zero byte. We write the same bytes and say
/// what was cut.
/// </summary>
public static class PartitionLabel
{
    public const int Length = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public static void Write(string name, Span<byte> field)
    {
        field[..Length].Clear();
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        bytes.AsSpan(0, Math.Min(bytes.Length, Length)).CopyTo(field);
    }

    /// <summary>The name in a label field, or null when its bytes are not UTF-8 (gen_esp32part stops with a decode error there).</summary>
    public static string? Read(ReadOnlySpan<byte> field)
    {
        var label = field[..Length];
        int nul = label.IndexOf((byte)0);
        try
        {
            return StrictUtf8.GetString(nul < 0 ? label : label[..nul]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>What a binary table will hold for these names where that differs from the name (long names), and labels that end up equal.</summary>
    public static IEnumerable<string> Warnings(IEnumerable<PartitionEntry> entries)
    {
        var firstWithLabel = new Dictionary<string, string>();
        foreach (var e in entries)
        {
            var field = new byte[Length];
            Write(e.Name, field);
            string? kept = Read(field);
            string label = kept ?? Convert.ToHexStringLower(field);
            int bytes = Encoding.UTF8.GetByteCount(e.Name);
            if (bytes > Length)
            {
                yield return kept == null
                    ? $"partition name '{e.Name}' is {bytes} bytes; the {Length}-byte label keeps bytes {label}, which cut a character in two (gen_esp32part cannot read that table back); shorten the name"
                    : $"partition name '{e.Name}' is {bytes} bytes; the {Length}-byte label keeps '{kept}' (as gen_esp32part does); shorten the name to have the label you wrote";
            }
            if (!firstWithLabel.TryAdd(label, e.Name) && firstWithLabel[label] != e.Name)
                yield return $"partitions '{firstWithLabel[label]}' and '{e.Name}' both get the label '{label}'; a lookup by label finds only the first; shorten the names";
        }
    }
}

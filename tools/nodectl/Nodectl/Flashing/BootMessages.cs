using System.Text.RegularExpressions;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>Reads the ESP32 ROM's boot banner ("rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)").</summary>
public static partial class BootMessages
{
    public static bool LooksLikeReset(string text) => BootMode().IsMatch(text) || text.Contains("rst:0x", StringComparison.Ordinal);

    /// <summary>The boot mode value (e.g. "0x13") if a banner is in the text.</summary>
    public static string? BootModeOf(string text)
    {
        var match = BootMode().Match(text);
        return match.Success ? match.Groups[1].Value : null;
    }

    public static bool SaysWaitingForDownload(string text) => text.Contains("waiting for download", StringComparison.Ordinal);

    public static string Summarise(string text)
    {
        var start = text.IndexOf("rst:", StringComparison.Ordinal);
        var slice = start >= 0 ? text[start..] : text;
        slice = slice.Replace('\r', ' ').Replace('\n', ' ').Trim();
        return slice.Length > 120 ? slice[..120] + "..." : slice;
    }

    [GeneratedRegex(@"boot:(0x[0-9a-fA-F]+)")]
    private static partial Regex BootMode();
}

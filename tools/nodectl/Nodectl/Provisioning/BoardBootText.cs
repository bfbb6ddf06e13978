using System.Text.RegularExpressions;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>What a board's console printed after its latest reset says about it.</summary>
public enum BoardBootState
{
    /// <summary>Nothing that tells (no boot text, or boot text without a decisive line yet).</summary>
    Unknown,

    /// <summary>The ROM's download mode: IO0 was low at reset ("waiting for download").</summary>
    DownloadMode,

    /// <summary>Nothing to boot: the ROM's "invalid header", or the bootloader found no table or no bootable app.</summary>
    NoFirmware,

    /// <summary>The firmware waits in provisioning mode (no identity, or an unusable one it reports as a fault).</summary>
    ProvisioningMode,

    /// <summary>The firmware found a committed identity and runs the node ("identity ok: &lt;id&gt;").</summary>
    Provisioned,
}

/// <summary>
/// The console text of a board since nodectl reset it, read as an ESP32 prints it: the ROM's banner ("rst:0x…") at
/// every reset, then the ROM's "waiting for download" or "invalid header: 0x…" lines, or the bootloader's, then the
/// firmware's boot line (Core's BootIdentity.ConsoleLine: "identity ok: &lt;id&gt;", "not provisioned: provisioning mode",
/// "identity fault: …"). The latest reset that printed a decisive line decides.
/// </summary>
public sealed partial class BoardBootText
{
    public const int MaxChars = 32 * 1024;

    public BoardBootText(string text)
    {
        Text = text.Length > MaxChars ? text[^MaxChars..] : text;
        var boots = Text.Split("rst:0x");
        foreach (string boot in boots.Reverse())
        {
            (State, Evidence) = Decide(boot);
            if (State != BoardBootState.Unknown) break;
        }

        if (State == BoardBootState.Provisioned && ProvisionedLine().Match(Text) is { Success: true } match) DeviceId = match.Groups[1].Value;
    }

    public string Text { get; }

    public BoardBootState State { get; }

    /// <summary>The line that decided <see cref="State"/>, as printed; null when Unknown.</summary>
    public string? Evidence { get; }

    /// <summary>The id in "identity ok: &lt;id&gt;" when Provisioned.</summary>
    public string? DeviceId { get; }

    public bool PrintedAnything => Text.Any(c => !char.IsWhiteSpace(c) && !char.IsControl(c));

    private static (BoardBootState, string?) Decide(string boot)
    {
        string? Line(string marker)
        {
            int at = boot.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) return null;
            int start = boot.LastIndexOf('\n', at) + 1;
            int end = boot.IndexOfAny(['\r', '\n'], at);
            return boot[start..(end < 0 ? boot.Length : end)].Trim();
        }

        if (Line("waiting for download") is { } download) return (BoardBootState.DownloadMode, download);
        if ((Line("invalid header: 0x") ?? Line("No bootable app partitions") ?? Line("load partition table error")) is { } nothing) return (BoardBootState.NoFirmware, nothing);
        if (Line("identity ok: ") is { } ok) return (BoardBootState.Provisioned, ok);
        if ((Line("provisioning mode") ?? Line("identity fault: ")) is { } waiting) return (BoardBootState.ProvisioningMode, waiting);
        return (BoardBootState.Unknown, null);
    }

    [GeneratedRegex(@"identity ok: (esp32-[0-9a-f]{12})")]
    private static partial Regex ProvisionedLine();
}

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>
/// What a flash or read-mac run found and did, filled in as it goes, for `--json` (<see cref="Output.JsonResult"/>).
/// A failed run keeps what it learned before the failure and the reason in <see cref="Error"/>.
/// </summary>
public sealed class FlashRunReport
{
    public bool Ok { get; set; }

    /// <summary>The process exit code (FlashCommand's: 0 done, 1 failed, 2 refused before connecting).</summary>
    public int ExitCode { get; set; }

    public string? Port { get; set; }

    public string? Chip { get; set; }

    public string? Mac { get; set; }

    public string? DeviceId { get; set; }

    public uint? FlashSizeBytes { get; set; }

    public List<FlashedImage>? Images { get; set; }

    public bool? Reset { get; set; }

    public string? Error { get; set; }

    /// <summary>One image as written: sectors written/skipped are null with --full (every sector is written).</summary>
    public sealed record FlashedImage(
        string Name, uint Offset, int Size, int BytesSent, bool Compressed, string? VerifiedMd5, int? SectorsWritten, int? SectorsSkipped);
}

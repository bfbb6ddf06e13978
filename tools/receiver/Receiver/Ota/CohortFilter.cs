namespace NodeFirmware.Receiver.Ota;

/// <summary>A device as a campaign sees it when choosing its cohort.</summary>
public sealed record CohortDevice(string Id, string? Board, string? Firmware, IReadOnlyList<string> Tags);

/// <summary>
/// Which devices a campaign targets: all given conditions must hold. Board and firmware compare exactly
/// (firmware in text form, "1.5.0+12"); a device must carry every listed tag.
/// </summary>
public sealed record CohortFilter(string? Board = null, string? Firmware = null, IReadOnlyList<string>? Tags = null)
{
    public bool Matches(CohortDevice d) =>
        (Board is null || string.Equals(d.Board, Board, StringComparison.Ordinal)) &&
        (Firmware is null || string.Equals(d.Firmware, Firmware, StringComparison.Ordinal)) &&
        (Tags is null || Tags.All(t => d.Tags.Contains(t, StringComparer.Ordinal)));
}

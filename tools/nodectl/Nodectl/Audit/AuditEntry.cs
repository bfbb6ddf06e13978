namespace NodeFirmware.Nodectl.Audit;

/// <summary>
/// What a caller records about one factory action. Never put secrets here: the log is plain text and
/// copied around; certificate serials, fingerprints and bundle hashes are public.
/// </summary>
public sealed record AuditEntry
{
    public required string Action { get; init; }
    public string? Device { get; init; }
    public string? CertSerial { get; init; }

    /// <summary>SHA-256 of the certificate's DER, lower-case hex.</summary>
    public string? CertSha256 { get; init; }

    /// <summary>SHA-256 of the bundle bytes sent to the device, lower-case hex.</summary>
    public string? BundleSha256 { get; init; }

    /// <summary>"ok" or "failed".</summary>
    public required string Result { get; init; }

    /// <summary>Where a failed action stopped (e.g. hello, issue, store, verify, commit, register).</summary>
    public string? Stage { get; init; }

    /// <summary>What state the action left behind, in words an operator can act on.</summary>
    public string? Detail { get; init; }

    public string? Board { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
}

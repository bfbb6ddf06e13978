namespace NodeFirmware.Nodectl.Provisioning;

public enum ProvisionOutcome
{
    /// <summary>A new identity was stored and committed.</summary>
    Provisioned,
    /// <summary>The device already held the certificate this PKI store has for it; nothing was issued.</summary>
    AlreadyProvisioned,
}

/// <summary>What a successful provisioning run did. Holds nothing secret.</summary>
public sealed record ProvisionResult(
    string DeviceId,
    ProvisionOutcome Outcome,
    string CertSerial,
    string CertSha256,
    string? BundleSha256,
    bool Registered,
    string? RegistrationProblem);

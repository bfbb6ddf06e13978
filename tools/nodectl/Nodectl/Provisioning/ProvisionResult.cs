namespace NodeFirmware.Nodectl.Provisioning;

public enum ProvisionOutcome
{
    /// <summary>A new identity was stored and committed.</summary>
    Provisioned,
    /// <summary>The device already held the certificate this PKI store has for it; nothing was issued.</summary>
    AlreadyProvisioned,
}

/// <summary>What a successful provisioning run did. Holds nothing secret.</summary>
/// <remarks>KeyMadeOn: "host" or "device"; null when the run issued nothing (the key was made in an earlier run).</remarks>
public sealed record ProvisionResult(
    string DeviceId,
    ProvisionOutcome Outcome,
    string CertSerial,
    string CertSha256,
    string? BundleSha256,
    bool Registered,
    string? RegistrationProblem,
    string? KeyMadeOn = ProvisionResult.Host)
{
    public const string Host = "host";
    public const string Device = "device";
}

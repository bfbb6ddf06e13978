namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// What <c>nodectl provision --json</c> prints (<see cref="Output.JsonResult"/>; fields in docs/provisioning.md, "Output
/// for line scripts"): one entry per board tried, holding nothing secret.
/// </summary>
public sealed class ProvisionReport : Output.ICommandReport
{
    public bool Ok { get; set; }

    /// <summary>0 done, 1 failed, 2 provisioned but not registered (as the exit code).</summary>
    public int ExitCode { get; set; }

    public List<ProvisionedBoard> Devices { get; } = new();

    /// <summary>Why the run failed before or outside any one board (bad options, the CA, the audit log).</summary>
    public string? Error { get; set; }

    /// <param name="Target">the serial port or host:port the board was reached on</param>
    /// <param name="Outcome">"provisioned", "already-provisioned", or "failed" (then <paramref name="Error"/> says why)</param>
    /// <param name="RegisterCommand">when provisioned but not registered: the nodectl register line that finishes it</param>
    /// <param name="KeyMadeOn">"host" or "device" (--key-on-device), as in the station's unit reports; absent when the run issued no key</param>
    public sealed record ProvisionedBoard(
        string Target, string Outcome, string? DeviceId = null, string? CertSerial = null, string? CertSha256 = null, string? BundleSha256 = null,
        bool Registered = false, string? RegistrationProblem = null, string? RegisterCommand = null, string? Error = null, string? KeyMadeOn = null)
    {
        public static ProvisionedBoard From(string target, ProvisionResult r, string? registerCommand) => new(
            target, r.Outcome == ProvisionOutcome.Provisioned ? "provisioned" : "already-provisioned", r.DeviceId, r.CertSerial, r.CertSha256,
            r.BundleSha256, r.Registered, r.RegistrationProblem, r.RegistrationProblem is null ? null : registerCommand, KeyMadeOn: r.KeyMadeOn);
    }
}

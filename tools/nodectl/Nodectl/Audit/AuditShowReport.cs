namespace NodeFirmware.Nodectl.Audit;

/// <summary>
/// What <c>nodectl audit show --json</c> prints: the records shown, each with the field names of the log's own lines
/// (<see cref="AuditRecord"/>, docs/provisioning.md), and the chain problem that cut them short, if any.
/// </summary>
public sealed record AuditShowReport(bool Ok, int ExitCode, IReadOnlyList<AuditRecord> Records, string? Error);

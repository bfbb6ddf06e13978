namespace NodeFirmware.Nodectl.Audit;

/// <summary>The outcome of checking an audit log: how many records held, and the first problem if any.</summary>
public sealed record AuditVerification(int Records, int? BadLine, string? Problem, IReadOnlyList<AuditRecord> Entries)
{
    public bool Ok => Problem is null;
}

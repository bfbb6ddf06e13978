namespace NodeFirmware.Receiver.Access;

/// <summary>Appends state changes to the audit trail. Values are cut to bounded lengths: the trail must not become a flood target.</summary>
public sealed class AuditTrail(IAccessStore store, TimeProvider clock)
{
    private const int MaxTarget = 128, MaxDetail = 512;

    public Task RecordAsync(Caller by, string action, string target, string detail, CancellationToken ct = default) =>
        store.AppendAuditAsync(new AuditEntry(0, clock.GetUtcNow(), by.Actor, by.Role, action, Cut(target, MaxTarget), Cut(detail, MaxDetail)), ct);

    public Task<IReadOnlyList<AuditEntry>> ListAsync(long? beforeId, int limit, CancellationToken ct = default) => store.ListAuditAsync(beforeId, limit, ct);

    private static string Cut(string s, int max)
    {
        var clean = new string(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= max ? clean : clean[..max] + "…";
    }
}

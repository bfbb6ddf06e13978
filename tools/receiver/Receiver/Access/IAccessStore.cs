namespace NodeFirmware.Receiver.Access;

/// <summary>
/// API tokens and the audit trail, in the receiver's database. The audit trail has no update or delete here, and
/// the database refuses both (triggers), so it is append-only for the receiver and for anyone using its SQL.
/// </summary>
public interface IAccessStore : IAsyncDisposable
{
    Task MigrateAsync(CancellationToken ct = default);

    Task AddTokenAsync(ApiToken token, string secretHash, CancellationToken ct = default);
    Task<ApiToken?> FindActiveTokenAsync(string secretHash, CancellationToken ct = default);
    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct = default);
    /// <summary>False if there is no such token or it was already revoked.</summary>
    Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken ct = default);

    Task AppendAuditAsync(AuditEntry entry, CancellationToken ct = default);
    /// <summary>Newest first; <paramref name="beforeId"/> pages back.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeId, int limit, CancellationToken ct = default);
}

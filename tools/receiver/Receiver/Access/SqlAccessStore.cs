using System.Data.Common;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Access;

/// <summary>Tokens (api_tokens) and the audit trail (audit_log) in SQLite or PostgreSQL. Times are Unix milliseconds.</summary>
public sealed class SqlAccessStore(DbSource source) : IAccessStore
{
    private const long MigrationLockKey = 0x4E46_4143_4353;
    private const string TokenColumns = "id, name, role, created_at, created_by, revoked_at";

    private const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS api_tokens (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL, created_by TEXT NOT NULL, revoked_at INTEGER);
        CREATE TABLE IF NOT EXISTS audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
            action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL);
        CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        """;

    private const string PostgresSchema = """
        CREATE TABLE IF NOT EXISTS api_tokens (
            id text PRIMARY KEY, name text NOT NULL, role text NOT NULL, secret_hash text NOT NULL UNIQUE,
            created_at bigint NOT NULL, created_by text NOT NULL, revoked_at bigint);
        CREATE TABLE IF NOT EXISTS audit_log (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at bigint NOT NULL, actor text NOT NULL, role text NOT NULL,
            action text NOT NULL, target text NOT NULL, detail text NOT NULL);
        CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
        CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
        """;

    public Task MigrateAsync(CancellationToken ct = default) =>
        SchemaMigration.ApplyAsync(source, source.IsPostgres ? PostgresSchema : SqliteSchema, MigrationLockKey, ct);

    public async Task AddTokenAsync(ApiToken token, string secretHash, CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command(
            $"INSERT INTO api_tokens ({TokenColumns}, secret_hash) VALUES (@id, @name, @role, @created, @by, NULL, @hash)")
            .With("id", token.Id).With("name", token.Name).With("role", token.Role)
            .With("created", token.CreatedAt.ToUnixTimeMilliseconds()).With("by", token.CreatedBy).With("hash", secretHash);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<ApiToken?> FindActiveTokenAsync(string secretHash, CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command($"SELECT {TokenColumns} FROM api_tokens WHERE secret_hash = @hash AND revoked_at IS NULL")
            .With("hash", secretHash);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ReadToken(r) : null;
    }

    public async Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command($"SELECT {TokenColumns} FROM api_tokens ORDER BY created_at, id");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<ApiToken>();
        while (await r.ReadAsync(ct)) list.Add(ReadToken(r));
        return list;
    }

    public async Task<bool> RevokeTokenAsync(string id, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command("UPDATE api_tokens SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL")
            .With("id", id).With("at", at.ToUnixTimeMilliseconds());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task AppendAuditAsync(AuditEntry e, CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command(
            "INSERT INTO audit_log (at, actor, role, action, target, detail) VALUES (@at, @actor, @role, @action, @target, @detail)")
            .With("at", e.At.ToUnixTimeMilliseconds()).With("actor", e.Actor).With("role", e.Role)
            .With("action", e.Action).With("target", e.Target).With("detail", e.Detail);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeId, int limit, CancellationToken ct = default)
    {
        await using var db = await source.OpenAsync(ct);
        await using var cmd = db.Command(
            "SELECT id, at, actor, role, action, target, detail FROM audit_log WHERE id < @before ORDER BY id DESC LIMIT @limit")
            .With("before", beforeId ?? long.MaxValue).With("limit", (long)limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<AuditEntry>();
        while (await r.ReadAsync(ct))
        {
            list.Add(new AuditEntry(Convert.ToInt64(r.GetValue(0)), UnixTime.FromMs(r.GetValue(1))!.Value, r.GetString(2), r.GetString(3),
                r.GetString(4), r.GetString(5), r.GetString(6)));
        }
        return list;
    }

    private static ApiToken ReadToken(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), UnixTime.FromMs(r.GetValue(3))!.Value, r.GetString(4), UnixTime.FromMs(r.GetValue(5)));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

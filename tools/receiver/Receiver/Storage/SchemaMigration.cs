using System.Data.Common;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// Runs a CREATE ... IF NOT EXISTS schema in one transaction. On PostgreSQL it first takes a transaction-scoped
/// advisory lock, because two receivers creating the same table at once can still collide in the catalog.
/// </summary>
internal static class SchemaMigration
{
    public static async Task ApplyAsync(DbSource source, string schema, long postgresLockKey, CancellationToken ct)
    {
        await using var db = await source.OpenAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        if (source.IsPostgres)
        {
            await using var lockCmd = db.Command("SELECT pg_advisory_xact_lock(@key)", tx).With("key", postgresLockKey);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = db.Command(schema, tx)) await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}

using System.Data.Common;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ota;

/// <summary>Campaigns in the receiver's SQLite file (its own tables), durable like the telemetry (synchronous=FULL).</summary>
public sealed class SqliteCampaignStore : SqlCampaignStore
{
    private readonly DbSource _db;

    public SqliteCampaignStore(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the SQLite campaign store needs a file path", nameof(path));
        Path = System.IO.Path.GetFullPath(path);
        _db = DbSource.Create("sqlite:" + Path);
    }

    public string Path { get; }

    protected override string Schema => """
        CREATE TABLE IF NOT EXISTS campaigns (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, target_version TEXT NOT NULL, cohort TEXT NOT NULL,
            canary_percent REAL NOT NULL, success_threshold REAL NOT NULL, window_ms INTEGER NOT NULL, allow_downgrade INTEGER NOT NULL,
            chunk_size INTEGER NOT NULL, created_at INTEGER NOT NULL, package BLOB NOT NULL,
            state TEXT NOT NULL, state_reason TEXT, updated_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS campaign_downgrade_authorizations (
            campaign_id TEXT PRIMARY KEY, authorization_file BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS campaign_rollbacks (
            campaign_id TEXT PRIMARY KEY, package BLOB NOT NULL, authorization_file BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS campaign_devices (
            campaign_id TEXT NOT NULL, device_id TEXT NOT NULL, wave INTEGER NOT NULL, state TEXT NOT NULL,
            done INTEGER NOT NULL, total INTEGER NOT NULL, reason TEXT, reported_firmware TEXT,
            offered_at INTEGER, finished_at INTEGER, offer_repeated_at INTEGER,
            PRIMARY KEY (campaign_id, device_id)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS campaign_gates (
            campaign_id TEXT PRIMARY KEY, plan TEXT NOT NULL, boards TEXT NOT NULL, stage INTEGER NOT NULL,
            stage_started_at INTEGER NOT NULL, stage_updated_at INTEGER, forgiven_failures INTEGER NOT NULL,
            offered INTEGER NOT NULL, updated INTEGER NOT NULL, last_verdict TEXT, history TEXT NOT NULL);
        """;

    protected override Task<DbConnection> OpenAsync(CancellationToken ct) => _db.OpenAsync(ct);

    public override ValueTask DisposeAsync() => _db.DisposeAsync();
}

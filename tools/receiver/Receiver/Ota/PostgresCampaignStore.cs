using System.Data.Common;
using Npgsql;

namespace NodeFirmware.Receiver.Ota;

/// <summary>Campaigns in the receiver's PostgreSQL database (its own tables).</summary>
public sealed class PostgresCampaignStore : SqlCampaignStore
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresCampaignStore(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) throw new ArgumentException("the PostgreSQL campaign store needs a connection string", nameof(connectionString));
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    protected override string Schema => """
        CREATE TABLE IF NOT EXISTS campaigns (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, target_version TEXT NOT NULL, cohort TEXT NOT NULL,
            canary_percent DOUBLE PRECISION NOT NULL, success_threshold DOUBLE PRECISION NOT NULL, window_ms BIGINT NOT NULL,
            allow_downgrade INTEGER NOT NULL, chunk_size INTEGER NOT NULL, created_at BIGINT NOT NULL, package BYTEA NOT NULL,
            state TEXT NOT NULL, state_reason TEXT, updated_at BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS campaign_downgrade_authorizations (
            campaign_id TEXT PRIMARY KEY, authorization_file BYTEA NOT NULL);
        CREATE TABLE IF NOT EXISTS campaign_rollbacks (
            campaign_id TEXT PRIMARY KEY, package BYTEA NOT NULL, authorization_file BYTEA NOT NULL);
        CREATE TABLE IF NOT EXISTS campaign_devices (
            campaign_id TEXT NOT NULL, device_id TEXT NOT NULL, wave INTEGER NOT NULL, state TEXT NOT NULL,
            done BIGINT NOT NULL, total BIGINT NOT NULL, reason TEXT, reported_firmware TEXT,
            offered_at BIGINT, finished_at BIGINT, offer_repeated_at BIGINT,
            PRIMARY KEY (campaign_id, device_id));
        CREATE TABLE IF NOT EXISTS campaign_gates (
            campaign_id TEXT PRIMARY KEY, plan TEXT NOT NULL, boards TEXT NOT NULL, stage INTEGER NOT NULL,
            stage_started_at BIGINT NOT NULL, stage_updated_at BIGINT, forgiven_failures INTEGER NOT NULL,
            offered INTEGER NOT NULL, updated INTEGER NOT NULL, last_verdict TEXT, history TEXT NOT NULL);
        """;

    protected override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

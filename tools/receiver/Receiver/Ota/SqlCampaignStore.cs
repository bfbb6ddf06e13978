using System.Data.Common;
using System.Text.Json;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// Campaigns in SQL, in their own tables (campaigns, campaign_devices) beside the telemetry store's. The schema is
/// created with IF NOT EXISTS, so several receivers may migrate at once. Times are Unix milliseconds. A downgrade
/// campaign's signed authorization lives in a table of its own (campaign_downgrade_authorizations), so databases
/// made before it need no column migration; allow_downgrade now only says whether a campaign has one. A campaign's
/// rollback (package and authorization) is in campaign_rollbacks, for the same reason.
/// </summary>
public abstract class SqlCampaignStore : ICampaignStore
{
    private const string GateColumns =
        "plan, boards, stage, stage_started_at, stage_updated_at, forgiven_failures, offered, updated, last_verdict, history";
    private const string DeviceColumns = "device_id, wave, state, done, total, reason, reported_firmware, offered_at, finished_at, offer_repeated_at";

    protected abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>The dialect's CREATE TABLE IF NOT EXISTS statements.</summary>
    protected abstract string Schema { get; }

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command(Schema);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task SaveCampaignAsync(Campaign c, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        await using (var cmd = db.Command("""
            INSERT INTO campaigns (id, name, target_version, cohort, canary_percent, success_threshold, window_ms, allow_downgrade,
                                   chunk_size, created_at, package, state, state_reason, updated_at)
            VALUES (@id, @name, @target, @cohort, @canary, @threshold, @window, @downgrade, @chunk, @created, @package, @state, @reason, @updated)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, state_reason = excluded.state_reason, updated_at = excluded.updated_at
            """, tx))
        {
            cmd.With("@id", c.Id).With("@name", c.Name).With("@target", c.TargetVersion)
               .With("@cohort", JsonSerializer.Serialize(c.Cohort)).With("@canary", c.CanaryPercent).With("@threshold", c.SuccessThreshold)
               .With("@window", (long)c.Window.TotalMilliseconds).With("@downgrade", c.IsDowngrade ? 1 : 0).With("@chunk", c.ChunkSize)
               .With("@created", c.CreatedAt.ToUnixTimeMilliseconds()).With("@package", c.Package).With("@state", c.State.ToString())
               .With("@reason", c.StateReason).With("@updated", c.UpdatedAt.ToUnixTimeMilliseconds());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (c.DowngradeAuthorization is { } authorization)
        {
            await using var cmd = db.Command("""
                INSERT INTO campaign_downgrade_authorizations (campaign_id, authorization_file) VALUES (@id, @file)
                ON CONFLICT (campaign_id) DO NOTHING
                """, tx).With("@id", c.Id).With("@file", authorization);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (c.Rollback is { } rollback)
        {
            await using var cmd = db.Command("""
                INSERT INTO campaign_rollbacks (campaign_id, package, authorization_file) VALUES (@id, @package, @file)
                ON CONFLICT (campaign_id) DO NOTHING
                """, tx).With("@id", c.Id).With("@package", rollback.Package).With("@file", rollback.DowngradeAuthorization);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        foreach (var d in c.Devices.Values) await UpsertDeviceAsync(db, tx, c.Id, d, ct);
        if (c.Gate is not null) await UpsertGateAsync(db, tx, c, ct);
        await tx.CommitAsync(ct);
    }

    public async Task SaveStateAsync(Campaign c, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await using var cmd = db.Command("UPDATE campaigns SET state = @state, state_reason = @reason, updated_at = @updated WHERE id = @id")
            .With("@state", c.State.ToString()).With("@reason", c.StateReason).With("@updated", c.UpdatedAt.ToUnixTimeMilliseconds()).With("@id", c.Id);
        if (await cmd.ExecuteNonQueryAsync(ct) != 1) throw new InvalidOperationException($"campaign {c.Id} was never saved");
    }

    public async Task SaveGateAsync(Campaign c, CancellationToken ct = default)
    {
        if (c.Gate is null) return;
        await using var db = await OpenAsync(ct);
        await UpsertGateAsync(db, null, c, ct);
    }

    /// <summary>
    /// A health-gated campaign's plan and progress live in campaign_gates, so databases made before gated campaigns need no
    /// column migration: a campaign without a row there is canary → rest.
    /// </summary>
    private static async Task UpsertGateAsync(DbConnection db, DbTransaction? tx, Campaign c, CancellationToken ct)
    {
        var g = c.Gate!;
        await using var cmd = db.Command($"""
            INSERT INTO campaign_gates (campaign_id, {GateColumns})
            VALUES (@campaign, @plan, @boards, @stage, @started, @stageUpdated, @forgiven, @offered, @updated, @verdict, @history)
            ON CONFLICT (campaign_id) DO UPDATE SET stage = excluded.stage, stage_started_at = excluded.stage_started_at,
                stage_updated_at = excluded.stage_updated_at, forgiven_failures = excluded.forgiven_failures, offered = excluded.offered,
                updated = excluded.updated, last_verdict = excluded.last_verdict, history = excluded.history
            """, tx);
        cmd.With("@campaign", c.Id).With("@plan", JsonSerializer.Serialize(g.Plan)).With("@boards", JsonSerializer.Serialize(g.Boards))
           .With("@stage", g.Stage).With("@started", g.StageStartedAt.ToUnixTimeMilliseconds()).With("@stageUpdated", g.StageUpdatedAt?.ToUnixTimeMilliseconds())
           .With("@forgiven", g.ForgivenFailures).With("@offered", g.Offered).With("@updated", g.Updated)
           .With("@verdict", g.LastVerdict is { } v ? JsonSerializer.Serialize(v) : null).With("@history", JsonSerializer.Serialize(g.History));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task SaveDeviceAsync(string campaignId, CampaignDevice device, CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        await UpsertDeviceAsync(db, null, campaignId, device, ct);
    }

    private static async Task UpsertDeviceAsync(DbConnection db, DbTransaction? tx, string campaignId, CampaignDevice d, CancellationToken ct)
    {
        await using var cmd = db.Command($"""
            INSERT INTO campaign_devices (campaign_id, {DeviceColumns})
            VALUES (@campaign, @device, @wave, @state, @done, @total, @reason, @fw, @offered, @finished, @repeated)
            ON CONFLICT (campaign_id, device_id) DO UPDATE SET state = excluded.state, done = excluded.done, total = excluded.total,
                reason = excluded.reason, reported_firmware = excluded.reported_firmware, offered_at = excluded.offered_at,
                finished_at = excluded.finished_at, offer_repeated_at = excluded.offer_repeated_at
            """, tx);
        cmd.With("@campaign", campaignId).With("@device", d.DeviceId).With("@wave", d.Wave).With("@state", d.State.ToString())
           .With("@done", d.Done).With("@total", d.Total).With("@reason", d.Reason).With("@fw", d.ReportedFirmware)
           .With("@offered", d.OfferedAt?.ToUnixTimeMilliseconds()).With("@finished", d.FinishedAt?.ToUnixTimeMilliseconds())
           .With("@repeated", d.OfferRepeatedAt?.ToUnixTimeMilliseconds());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<Campaign>> LoadAllAsync(CancellationToken ct = default)
    {
        await using var db = await OpenAsync(ct);
        var gates = await LoadGatesAsync(db, ct);
        var campaigns = new Dictionary<string, Campaign>(StringComparer.Ordinal);
        var authorizations = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var cmd = db.Command("SELECT campaign_id, authorization_file FROM campaign_downgrade_authorizations"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) authorizations[r.GetString(0)] = (byte[])r.GetValue(1);
        }
        var rollbacks = new Dictionary<string, RollbackPlan>(StringComparer.Ordinal);
        await using (var cmd = db.Command("SELECT campaign_id, package, authorization_file FROM campaign_rollbacks"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) rollbacks[r.GetString(0)] = new RollbackPlan((byte[])r.GetValue(1), (byte[])r.GetValue(2));
        }
        await using (var cmd = db.Command("""
            SELECT id, name, target_version, cohort, canary_percent, success_threshold, window_ms, allow_downgrade, chunk_size,
                   created_at, package, state, state_reason, updated_at FROM campaigns
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var c = new Campaign
                {
                    Id = r.GetString(0), Name = r.GetString(1), TargetVersion = r.GetString(2),
                    Cohort = JsonSerializer.Deserialize<CohortFilter>(r.GetString(3)) ?? new CohortFilter(),
                    CanaryPercent = r.GetDouble(4), SuccessThreshold = r.GetDouble(5), Window = TimeSpan.FromMilliseconds(Convert.ToInt64(r.GetValue(6))),
                    ChunkSize = Convert.ToInt32(r.GetValue(8)), DowngradeAuthorization = authorizations.GetValueOrDefault(r.GetString(0)),
                    Rollback = rollbacks.GetValueOrDefault(r.GetString(0)),
                    CreatedAt = Time(Convert.ToInt64(r.GetValue(9))), Package = (byte[])r.GetValue(10),
                    State = Enum.Parse<CampaignState>(r.GetString(11)), StateReason = r.NullableString(12), UpdatedAt = Time(Convert.ToInt64(r.GetValue(13))),
                    Gate = gates.GetValueOrDefault(r.GetString(0)),
                };
                campaigns[c.Id] = c;
            }
        }
        await using (var cmd = db.Command($"SELECT campaign_id, {DeviceColumns} FROM campaign_devices"))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                if (!campaigns.TryGetValue(r.GetString(0), out var c)) continue;
                var d = new CampaignDevice
                {
                    DeviceId = r.GetString(1), Wave = Convert.ToInt32(r.GetValue(2)), State = Enum.Parse<DeviceOtaState>(r.GetString(3)),
                    Done = Convert.ToInt64(r.GetValue(4)), Total = Convert.ToInt64(r.GetValue(5)), Reason = r.NullableString(6),
                    ReportedFirmware = r.NullableString(7), OfferedAt = NullableTime(r.NullableInt64(8)), FinishedAt = NullableTime(r.NullableInt64(9)),
                    OfferRepeatedAt = NullableTime(r.NullableInt64(10)),
                };
                c.Devices[d.DeviceId] = d;
            }
        }
        return campaigns.Values.ToList();
    }

    private static async Task<Dictionary<string, GateState>> LoadGatesAsync(DbConnection db, CancellationToken ct)
    {
        var gates = new Dictionary<string, GateState>(StringComparer.Ordinal);
        await using var cmd = db.Command($"SELECT campaign_id, {GateColumns} FROM campaign_gates");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            gates[r.GetString(0)] = new GateState
            {
                Plan = JsonSerializer.Deserialize<RolloutPlan>(r.GetString(1))!,
                Boards = new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(2))!, StringComparer.Ordinal),
                Stage = Convert.ToInt32(r.GetValue(3)), StageStartedAt = Time(Convert.ToInt64(r.GetValue(4))), StageUpdatedAt = NullableTime(r.NullableInt64(5)),
                ForgivenFailures = Convert.ToInt32(r.GetValue(6)), Offered = Convert.ToInt32(r.GetValue(7)), Updated = Convert.ToInt32(r.GetValue(8)),
                LastVerdict = r.NullableString(9) is { } v ? JsonSerializer.Deserialize<StageJudgement>(v) : null,
                History = JsonSerializer.Deserialize<List<StageJudgement>>(r.GetString(10))!,
            };
        return gates;
    }

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    private static DateTimeOffset? NullableTime(long? ms) => ms is { } v ? Time(v) : null;

    public abstract ValueTask DisposeAsync();
}

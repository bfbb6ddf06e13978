namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// Where campaigns live across receiver restarts: the campaign with its package and every device's progress.
/// Kept beside the telemetry store (same database, own tables), so one backup holds both.
/// </summary>
public interface ICampaignStore : IAsyncDisposable
{
    /// <summary>Creates the tables when missing. Safe on every start.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    /// <summary>Inserts or replaces the campaign and all its devices.</summary>
    Task SaveCampaignAsync(Campaign campaign, CancellationToken ct = default);

    /// <summary>Updates the campaign's state only (state, reason, updated).</summary>
    Task SaveStateAsync(Campaign campaign, CancellationToken ct = default);

    /// <summary>Updates a gated campaign's stage, counts and judgements (campaign_gates).</summary>
    Task SaveGateAsync(Campaign campaign, CancellationToken ct = default);

    Task SaveDeviceAsync(string campaignId, CampaignDevice device, CancellationToken ct = default);

    Task<IReadOnlyList<Campaign>> LoadAllAsync(CancellationToken ct = default);
}

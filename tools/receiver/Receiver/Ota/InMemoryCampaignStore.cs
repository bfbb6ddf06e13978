namespace NodeFirmware.Receiver.Ota;

/// <summary>A store that forgets on restart: for tests, the benchmark and a receiver run without a database.</summary>
public sealed class InMemoryCampaignStore : ICampaignStore
{
    private readonly Dictionary<string, Campaign> _campaigns = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Task MigrateAsync(CancellationToken ct = default) => Task.CompletedTask;

    public Task SaveCampaignAsync(Campaign campaign, CancellationToken ct = default)
    {
        lock (_lock) _campaigns[campaign.Id] = CampaignCopy.Of(campaign);
        return Task.CompletedTask;
    }

    public Task SaveStateAsync(Campaign campaign, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaign.Id, out var stored)) throw new InvalidOperationException($"campaign {campaign.Id} was never saved");
            stored.State = campaign.State;
            stored.StateReason = campaign.StateReason;
            stored.UpdatedAt = campaign.UpdatedAt;
        }
        return Task.CompletedTask;
    }

    public Task SaveGateAsync(Campaign campaign, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaign.Id, out var stored)) throw new InvalidOperationException($"campaign {campaign.Id} was never saved");
            if (campaign.Gate is not null) _campaigns[campaign.Id] = CampaignCopy.Of(stored, campaign.Gate);
        }
        return Task.CompletedTask;
    }

    public Task SaveDeviceAsync(string campaignId, CampaignDevice device, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaignId, out var stored)) throw new InvalidOperationException($"campaign {campaignId} was never saved");
            stored.Devices[device.DeviceId] = CampaignCopy.Of(device);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Campaign>> LoadAllAsync(CancellationToken ct = default)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<Campaign>>(_campaigns.Values.Select(CampaignCopy.Of).ToList());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Deep copies, so a stored campaign never shares mutable state with the engine's.</summary>
internal static class CampaignCopy
{
    public static Campaign Of(Campaign c) => Of(c, c.Gate);

    /// <summary>A copy of <paramref name="c"/> with <paramref name="gate"/> in place of its gate state.</summary>
    public static Campaign Of(Campaign c, Gate.GateState? gate)
    {
        var copy = new Campaign
        {
            Id = c.Id, Name = c.Name, TargetVersion = c.TargetVersion, Cohort = c.Cohort, CanaryPercent = c.CanaryPercent,
            SuccessThreshold = c.SuccessThreshold, Window = c.Window, DowngradeAuthorization = c.DowngradeAuthorization, Rollback = c.Rollback, ChunkSize = c.ChunkSize,
            CreatedAt = c.CreatedAt, Package = c.Package, State = c.State, StateReason = c.StateReason, UpdatedAt = c.UpdatedAt,
            Gate = gate?.Copy(),
        };
        foreach (var d in c.Devices.Values) copy.Devices[d.DeviceId] = Of(d);
        return copy;
    }

    public static CampaignDevice Of(CampaignDevice d) => new()
    {
        DeviceId = d.DeviceId, Wave = d.Wave, State = d.State, Done = d.Done, Total = d.Total, Reason = d.Reason,
        ReportedFirmware = d.ReportedFirmware, OfferedAt = d.OfferedAt, FinishedAt = d.FinishedAt, OfferRepeatedAt = d.OfferRepeatedAt,
    };
}

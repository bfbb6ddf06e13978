namespace NodeFirmware.Receiver.Ota;

/// <summary>A campaign as the engine holds and stores it: what it installs, on whom, its rules and where it stands.</summary>
public sealed class Campaign
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string TargetVersion { get; init; }
    public required CohortFilter Cohort { get; init; }
    public required double CanaryPercent { get; init; }
    public required double SuccessThreshold { get; init; }
    public required TimeSpan Window { get; init; }
    /// <summary>The signed downgrade authorization file (.nfa) forwarded in each offer, or null for an upgrade.</summary>
    public byte[]? DowngradeAuthorization { get; init; }

    public bool IsDowngrade => DowngradeAuthorization is not null;

    /// <summary>What is offered back to the devices that installed <see cref="TargetVersion"/> if the campaign halts; null for nothing.</summary>
    public RollbackPlan? Rollback { get; init; }
    public required int ChunkSize { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The signed .nfw package; the campaign serves chunks from it.</summary>
    public required byte[] Package { get; init; }

    public CampaignState State { get; set; } = CampaignState.Draft;
    public string? StateReason { get; set; }

    /// <summary>
    /// Not stored: set by the engine when the package or downgrade authorization does not verify against its release key
    /// (or it has none); such a campaign is shown and can be aborted, but is never offered, served or resumed.
    /// </summary>
    public string? TrustProblem { get; set; }

    /// <summary>Not stored: set by the engine on snapshots of a campaign whose rollback campaign was started.</summary>
    public RollbackProgress? RollbackProgress { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The health gate's plan and progress, or null for a canary → rest campaign (docs/receiver.md, "Health-gated stages").</summary>
    public Gate.GateState? Gate { get; init; }

    /// <summary>The devices chosen when the campaign was created, by id.</summary>
    public Dictionary<string, CampaignDevice> Devices { get; init; } = new(StringComparer.Ordinal);

    public bool IsActive => State is CampaignState.Canary or CampaignState.Rolling;

    public IEnumerable<CampaignDevice> InWave(int wave) => Devices.Values.Where(d => d.Wave == wave);

    public CampaignCounts Counts() => CampaignCounts.Of(Devices.Values);
}

/// <summary>How many devices of a campaign (or wave) are in each state.</summary>
public sealed record CampaignCounts(int Total, int Waiting, int InFlight, int Succeeded, int Failed, int RolledBack, int Cancelled)
{
    public static CampaignCounts Of(IEnumerable<CampaignDevice> devices)
    {
        var list = devices.ToList();
        return new CampaignCounts(
            list.Count,
            list.Count(d => d.State == DeviceOtaState.Waiting),
            list.Count(d => d.State.IsInFlight()),
            list.Count(d => d.State == DeviceOtaState.Succeeded),
            list.Count(d => d.State == DeviceOtaState.Failed),
            list.Count(d => d.State == DeviceOtaState.RolledBack),
            list.Count(d => d.State == DeviceOtaState.Cancelled));
    }
}

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// What an operator asks for (POST /api/campaigns). The package comes from a firmware repository folder
/// (<see cref="Version"/> looked up in its index.json, docs/formats/firmware-package.md) or as raw .nfw bytes.
/// </summary>
public sealed record CampaignRequest
{
    public string Name { get; init; } = "";

    /// <summary>The version to install, looked up in the engine's firmware repository.</summary>
    public string? Version { get; init; }

    /// <summary>A whole .nfw package instead of a repository version.</summary>
    public byte[]? Package { get; init; }

    public CohortFilter Cohort { get; init; } = new();

    /// <summary>Share of the cohort in the canary wave, 0 &lt; p ≤ 100; at least one device.</summary>
    public double CanaryPercent { get; init; } = 10;

    /// <summary>Share of a wave's devices that must succeed, 0..1; more failures than it allows halt the campaign.</summary>
    public double SuccessThreshold { get; init; } = 0.9;

    /// <summary>How long an offered device has to report its result before it counts as failed.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// For a downgrade: the signed authorization file (.nfa) from <c>nodectl firmware authorize-downgrade</c>. It is
    /// forwarded in every offer ("auth", "asig"); devices install a version that is not newer only with it.
    /// </summary>
    public byte[]? DowngradeAuthorization { get; init; }

    /// <summary>What to offer back to the devices that installed the new version if the campaign halts; null: nothing.</summary>
    public CampaignRollbackRequest? Rollback { get; init; }

    /// <summary>The largest chunk the campaign serves (the offer's "cs").</summary>
    public int ChunkSize { get; init; } = 4096;

    /// <summary>
    /// Health-gated stages in place of canary → rest (docs/receiver.md, "Health-gated stages"); null keeps canary → rest.
    /// Its first stage plays the canary's part, so <see cref="CanaryPercent"/> does not apply.
    /// </summary>
    public Gate.RolloutPlan? Gate { get; init; }

    /// <summary>Start at once (draft → canary); false leaves a draft.</summary>
    public bool Start { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first thing wrong.</summary>
    public void Validate()
    {
        if (Version is null == Package is null) throw new ArgumentException("a campaign needs exactly one of 'version' (from the firmware repository) or 'package' (bytes)");
        if (!(CanaryPercent > 0 && CanaryPercent <= 100)) throw new ArgumentException($"canaryPercent must be in (0, 100], not {CanaryPercent}");
        if (!(SuccessThreshold >= 0 && SuccessThreshold <= 1)) throw new ArgumentException($"successThreshold must be in [0, 1], not {SuccessThreshold}");
        if (Window <= TimeSpan.Zero) throw new ArgumentException($"window must be positive, not {Window}");
        if (ChunkSize is < 1 or > NodeFirmware.Core.Ota.OtaMessages.MaxChunkSize)
            throw new ArgumentException($"chunkSize must be 1..{NodeFirmware.Core.Ota.OtaMessages.MaxChunkSize}, not {ChunkSize}");
        Gate?.Validate();
        if (Name.Length > 100) throw new ArgumentException("name must be at most 100 characters");
        Rollback?.Validate();
    }
}

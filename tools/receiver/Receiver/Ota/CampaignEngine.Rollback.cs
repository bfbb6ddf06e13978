using NodeFirmware.Core.Ota;

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// Rollback on halt: a campaign created with a <see cref="RollbackPlan"/> that halts (for any reason) gets a rollback campaign,
/// id <see cref="RollbackPlan.CampaignId"/>, which offers the plan's package with its authorization to exactly the devices that
/// reported success on the halted campaign's version — at the halt, and to each one that succeeds later (offered before the
/// halt, it finished afterwards). The plan was verified against the release key at creation and again at every load; the
/// receiver only forwards what the release key signed. The rollback campaign is stored before any offer, its id is derived
/// from the halted one's, and every load catches up on updated devices it does not hold yet or has not offered yet: a restart
/// neither loses nor repeats it.
/// </summary>
public sealed partial class CampaignEngine
{
    /// <summary>
    /// The rollback's package must verify for every board of the cohort, be older than the campaign's version, and come with an
    /// authorization for exactly it, signed by the release key, not expired, naming every cohort device once it runs the
    /// campaign's version (what each device will check before it installs). Throws <see cref="ArgumentException"/> "rollback: ...".
    /// </summary>
    private RollbackPlan PrepareRollback(byte[] key, CampaignRollbackRequest request, CampaignPackage target, IReadOnlyList<CohortDevice> members)
    {
        try
        {
            var (bytes, package) = LoadPackage(request.Version, request.Package);
            var plan = new RollbackPlan(bytes, request.DowngradeAuthorization!);
            var boards = members.Select(d => d.Board).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            CheckRollback(key, plan, package, FirmwareVersion.Parse(target.Version), boards.Count > 0 ? boards : [target.Manifest.Boards[0]],
                members.Select(d => d.Id), checkExpiry: true);
            return plan;
        }
        catch (ArgumentException e) when (!e.Message.StartsWith("rollback: ", StringComparison.Ordinal))
        {
            throw new ArgumentException("rollback: " + e.Message, e);
        }
    }

    /// <summary>A stored campaign's rollback, checked again at load as at creation (the expiry aside: the devices check it).</summary>
    private void VerifyRollback(byte[] key, RollbackPlan plan, Campaign c)
    {
        try
        {
            var package = CampaignPackage.Parse(plan.Package);
            CheckRollback(key, plan, package, FirmwareVersion.Parse(c.TargetVersion), [c.Cohort.Board ?? package.Manifest.Boards[0]], c.Devices.Keys,
                checkExpiry: false);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("rollback: " + e.Message, e);
        }
    }

    private void CheckRollback(byte[] key, RollbackPlan plan, CampaignPackage package, FirmwareVersion from, IEnumerable<string> boards,
        IEnumerable<string> devices, bool checkExpiry)
    {
        if (FirmwareVersion.Parse(package.Version).CompareTo(from) >= 0)
            throw new ArgumentException($"package {package.Version} is not older than the campaign's {from}: a rollback goes back");
        foreach (var board in boards) VerifyPackage(key, package, board);
        var authorization = CheckAuthorization(key, plan.DowngradeAuthorization, package, checkExpiry).Authorization;
        var unnamed = devices.Where(id => !authorization.Covers(id, from)).ToList();
        if (unnamed.Count > 0)
            throw new ArgumentException($"the downgrade authorization does not name {unnamed.Count} cohort device(s) running {from} (e.g. {unnamed[0]}); " +
                $"authorize them, or every device running it (--from-version {from})");
    }

    /// <summary>
    /// Makes the rollback campaign of halted campaign <paramref name="halted"/> hold and offer every device that succeeded on it;
    /// nothing when it has no plan, is not served, or no device succeeded yet. Called under the lock.
    /// </summary>
    private async Task OfferRollbackAsync(Campaign halted, CancellationToken ct)
    {
        if (halted.Rollback is not { } plan || _untrusted.ContainsKey(halted.Id)) return;
        var updated = halted.Devices.Values.Where(d => d.State == DeviceOtaState.Succeeded).Select(d => d.DeviceId).ToList();
        string id = RollbackPlan.CampaignId(halted.Id);
        if (!_campaigns.TryGetValue(id, out var rollback))
        {
            if (updated.Count == 0) return;
            rollback = NewRollbackCampaign(id, halted, plan);
            foreach (var device in updated) rollback.Devices[device] = new CampaignDevice { DeviceId = device, Wave = RestWave };
            await _store.SaveCampaignAsync(rollback, ct);
            _campaigns[id] = rollback;
            _packages[id] = CampaignPackage.Parse(plan.Package);
            _log.LogWarning("campaign {Id} halted: rollback campaign {Rollback} offers {Version} to its {Devices} updated device(s)",
                halted.Id, id, rollback.TargetVersion, updated.Count);
        }
        if (rollback.State is CampaignState.Aborted || _untrusted.ContainsKey(id)) return;
        var added = updated.Where(device => !rollback.Devices.ContainsKey(device)).ToList();
        foreach (var device in added)
        {
            var d = new CampaignDevice { DeviceId = device, Wave = RestWave };
            rollback.Devices[device] = d;
            await _store.SaveDeviceAsync(id, d, ct);
        }
        if (added.Count > 0 && rollback.State == CampaignState.Completed)
            await SetStateAsync(rollback, CampaignState.Rolling, $"{added.Count} more device(s) updated on {halted.Id} after it halted", ct);
        if (rollback.State != CampaignState.Rolling) return;
        foreach (var d in rollback.Devices.Values.Where(d => d.State == DeviceOtaState.Waiting).ToList()) await OfferAsync(rollback, d, ct);
    }

    /// <summary>
    /// Offered all at once, and never halted by failures: each device that does not
    /// go back is shown with its reason, and it completes when every device finished.
    /// </summary>
    private Campaign NewRollbackCampaign(string id, Campaign halted, RollbackPlan plan)
    {
        var now = _time.GetUtcNow();
        var package = CampaignPackage.Parse(plan.Package);
        long expires = DowngradeAuthorizationFile.Parse(plan.DowngradeAuthorization).Authorization.ExpiresUnixTime;
        bool expired = expires != 0 && expires < now.ToUnixTimeSeconds();
        return new Campaign
        {
            Id = id,
            Name = $"rollback of {halted.Id} to {package.Version}",
            TargetVersion = package.Version,
            Cohort = halted.Cohort,
            CanaryPercent = 0, // no canary: the halted campaign's was the test
            SuccessThreshold = 0,
            Window = halted.Window,
            DowngradeAuthorization = plan.DowngradeAuthorization,
            ChunkSize = halted.ChunkSize,
            CreatedAt = now,
            UpdatedAt = now,
            Package = plan.Package,
            // Devices refuse an expired authorization; offering it would only collect failures.
            State = expired ? CampaignState.Halted : CampaignState.Rolling,
            StateReason = expired
                ? $"not offered: the rollback's downgrade authorization expired at {DateTimeOffset.FromUnixTimeSeconds(expires):u}"
                : $"{halted.Id} halted: {halted.StateReason}",
        };
    }

    /// <summary>After a restart: a halt whose rollback campaign was not stored, or devices not added or offered yet, are caught up.</summary>
    private async Task CatchUpRollbacksAsync(CancellationToken ct)
    {
        foreach (var c in _campaigns.Values.Where(c => c.State == CampaignState.Halted && c.Rollback is not null).ToList())
            await OfferRollbackAsync(c, ct);
    }

    private RollbackProgress? RollbackProgressOf(Campaign c) =>
        c.Rollback is not null && _campaigns.TryGetValue(RollbackPlan.CampaignId(c.Id), out var r)
            ? new RollbackProgress(r.Id, r.State, r.StateReason, r.Counts())
            : null;

    /// <summary>A resumed rollback campaign offers the devices added while it was paused.</summary>
    private async Task ResumeRollbackAsync(Campaign c, CancellationToken ct)
    {
        if (RollbackPlan.ParentOf(c.Id) is { } parent && _campaigns.TryGetValue(parent, out var halted) && halted.State == CampaignState.Halted)
            await OfferRollbackAsync(halted, ct);
    }

    /// <summary>A halted campaign whose devices were offered the rollback is not rolled out again.</summary>
    private void RefuseResumeAfterRollback(Campaign c)
    {
        if (RollbackProgressOf(c) is { } r)
            throw new InvalidOperationException($"campaign {c.Id} is not resumed: its rollback campaign {r.CampaignId} offered its updated devices the previous version");
    }

    /// <summary>
    /// A finished device repeated its result: its retained offer is cleared — unless another campaign (its rollback) has offered it
    /// since, whose offer is then published again in its place.
    /// </summary>
    private Task ClearFinishedOfferAsync(string deviceId, CancellationToken ct)
    {
        var pending = _campaigns.Values.FirstOrDefault(c => c.State is CampaignState.Canary or CampaignState.Rolling or CampaignState.Halted or CampaignState.Paused
            && !_untrusted.ContainsKey(c.Id) && c.Devices.TryGetValue(deviceId, out var d) && d.State.IsInFlight());
        return pending is null ? ClearOfferAsync(deviceId, ct) : PublishOfferAsync(pending, deviceId, ct);
    }
}

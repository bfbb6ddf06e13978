using NodeFirmware.Receiver.Ota.Gate;

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// The engine's health-gated stages (docs/receiver.md, "Health-gated stages"): a campaign created with
/// <see cref="CampaignRequest.Gate"/> goes through stages instead of canary → rest, each judged on the devices' vitals
/// (<see cref="GatedStages"/>), all its time from the engine's <see cref="TimeProvider"/>. Called under the engine's lock.
/// </summary>
public sealed partial class CampaignEngine
{
    /// <summary>
    /// Moves a gated campaign on: halts on more failures in the stage than its success threshold allows, offers the stage's
    /// devices under the rate limit, and once all of them finished and the dwell passed, judges the stage on the devices'
    /// vitals: a breach halts naming board, signal and both values, a healthy stage promotes, too little data waits.
    /// </summary>
    private async Task StepGateAsync(Campaign c, GateState g, CancellationToken ct)
    {
        if (!c.IsActive) return;
        var now = _time.GetUtcNow();
        var wave = c.InWave(g.Stage).ToList();
        int failures = wave.Count(d => d.State.IsFailure()) - g.ForgivenFailures;
        int allowed = CanaryPolicy.AllowedFailures(wave.Count, c.SuccessThreshold);
        if (failures > allowed)
        {
            await SaveGateAsync(c, g, ct);
            await SetStateAsync(c, CampaignState.Halted,
                $"{GatedStages.StageName(g)}: {failures} of {wave.Count} failed, the success threshold {c.SuccessThreshold:0.##} allows {allowed}", ct);
            return;
        }
        var due = GatedStages.OffersDue(c, g, now);
        foreach (var d in due) await OfferAsync(c, d, ct);
        bool changed = due.Count > 0;
        if (!c.Devices.Values.Where(d => d.Wave <= g.Stage).All(d => d.State.IsFinished()))
        {
            if (changed) await SaveGateAsync(c, g, ct);
            return;
        }
        if (g.StageUpdatedAt is null)
        {
            g.StageUpdatedAt = now;
            changed = true;
        }
        if (g.IsLastStage)
        {
            g.Record(new StageJudgement(g.Stage, now, GateOutcome.Promote, null, null, null, null,
                $"{GatedStages.StageName(g)}: completed, {c.Devices.Values.Count(d => d.State == DeviceOtaState.Succeeded)} devices updated", []));
            await SaveGateAsync(c, g, ct);
            await SetStateAsync(c, CampaignState.Completed, null, ct);
            return;
        }
        bool dwelling = now - g.StageUpdatedAt < g.Plan.Dwell;
        bool waitedJustNow = g.LastVerdict is { Outcome: GateOutcome.Wait } w && w.Stage == g.Stage && now - w.At < RejudgeAfter;
        if (dwelling || waitedJustNow)
        {
            if (changed) await SaveGateAsync(c, g, ct);
            return;
        }
        var telemetry = Telemetry;
        var judgement = telemetry is null
            ? new StageJudgement(g.Stage, now, GateOutcome.Wait, null, null, null, null,
                $"{GatedStages.StageName(g)}: waiting: this receiver has no telemetry store to read the devices' vitals from", [])
            : await GatedStages.JudgeAsync(c, g, (devices, to, limit) => telemetry.QueryCohortVitalsAsync(devices, to, limit, ct), now);
        g.Record(judgement);
        _log.LogInformation("campaign {Id}: {Outcome} {Reason}", c.Id, judgement.Outcome, judgement.Reason);
        switch (judgement.Outcome)
        {
            case GateOutcome.Breach:
                await SaveGateAsync(c, g, ct);
                await SetStateAsync(c, CampaignState.Halted, judgement.Reason, ct);
                break;
            case GateOutcome.Promote:
                await PromoteAsync(c, g, ct);
                break;
            default:
                await SaveGateAsync(c, g, ct);
                break;
        }
    }

    private async Task PromoteAsync(Campaign c, GateState g, CancellationToken ct)
    {
        g.Stage++;
        g.StageStartedAt = _time.GetUtcNow();
        g.StageUpdatedAt = null;
        g.ForgivenFailures = 0;
        await SaveGateAsync(c, g, ct);
        if (c.State == CampaignState.Canary) await SetStateAsync(c, CampaignState.Rolling, null, ct);
        await StepGateAsync(c, g, ct);
    }

    /// <summary>
    /// An operator resuming a halted gated campaign accepts what halted it: the stage's failures so far no longer count, and a
    /// stage halted on its health moves on to the next stage (the last stage offers its remaining devices).
    /// </summary>
    private async Task OverrideHaltAsync(Campaign c, GateState g, CancellationToken ct)
    {
        g.ForgivenFailures = c.InWave(g.Stage).Count(d => d.State.IsFailure());
        await SetStateAsync(c, g.Stage == 0 ? CampaignState.Canary : CampaignState.Rolling, "resumed", ct);
        if (g.LastVerdict is { Outcome: GateOutcome.Breach } v && v.Stage == g.Stage && !g.IsLastStage)
        {
            await PromoteAsync(c, g, ct);
            return;
        }
        await ResumeRateAsync(c, g, ct);
        await StepGateAsync(c, g, ct);
    }

    /// <summary>After a pause the rate limit continues from the devices already offered, not from the stage's start (no burst).</summary>
    private Task ResumeRateAsync(Campaign c, GateState g, CancellationToken ct)
    {
        int offered = c.InWave(g.Stage).Count(d => d.State != DeviceOtaState.Waiting);
        g.StageStartedAt = _time.GetUtcNow() - TimeSpan.FromMinutes(Math.Max(0, offered - 1) / g.Plan.DevicesPerMinute);
        return SaveGateAsync(c, g, ct);
    }

    private Task SaveGateAsync(Campaign c, GateState g, CancellationToken ct)
    {
        g.Offered = c.Devices.Values.Count(d => d.State != DeviceOtaState.Waiting);
        g.Updated = c.Devices.Values.Count(d => d.State == DeviceOtaState.Succeeded);
        return _store.SaveGateAsync(c, ct);
    }
}

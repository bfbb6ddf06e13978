using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Security.Cryptography;
using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota.Gate;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// Runs OTA campaigns (docs/formats/firmware-package.md, "OTA topics"): offers the package (retained) to each
/// device of the current wave, answers its chunk requests, follows its progress and result, clears its offer
/// once it finished, and moves the campaign draft → canary → rolling → completed. More failures in a wave than
/// the success threshold allows halt the campaign: no further wave is offered, devices already offered finish.
/// A failure is a result with ok = false, a device that reports another version than the target after its trial
/// (rolled back), or no result within the window. Every change is written to the store before it takes effect
/// on the wire, so a restarted engine (<see cref="LoadAsync"/>) continues where it stopped. A halted campaign created with
/// a rollback offers it back to its updated devices (CampaignEngine.Rollback.cs).
/// </summary>
public sealed partial class CampaignEngine
{
    public const int CanaryWave = 0;
    public const int RestWave = 1;

    private readonly ICampaignStore _store;
    private readonly ICampaignPublisher _publisher;
    private readonly TimeProvider _time;
    private readonly FirmwareRepositoryReader? _repository;
    private readonly Func<string, string, bool, DateTimeOffset, Task>? _outcomes;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<string, Campaign> _campaigns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CampaignPackage> _packages = new(StringComparer.Ordinal);
    // Campaigns loaded from the store whose package or authorization does not verify against ReleasePublicKey (or there is
    // no key): kept for viewing and abort, never offered, served, ticked or resumed. Value: why.
    private readonly Dictionary<string, string> _untrusted = new(StringComparer.Ordinal);

    /// <param name="outcomes">Told (campaign, device, succeeded, at) once per finished device; feeds the OTA SLI.</param>
    public CampaignEngine(ICampaignStore store, ICampaignPublisher publisher, TimeProvider time, FirmwareRepositoryReader? repository = null,
        Func<string, string, bool, DateTimeOffset, Task>? outcomes = null, ILogger? log = null)
    {
        _store = store;
        _publisher = publisher;
        _time = time;
        _repository = repository;
        _outcomes = outcomes;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>The refusal of a receiver without <see cref="ReleasePublicKey"/>; names the option that supplies it.</summary>
    public const string NoReleaseKeyProblem =
        "this receiver has no release public key: it creates, resumes and offers no campaign until it is started with " +
        "--release-pub <release.pub> (Receiver:ReleasePublicKey), the public key 'nodectl firmware keygen' wrote";

    /// <summary>
    /// The fleet's release public key, the one root of firmware trust. Every campaign's package (signature, key id, the
    /// cohort's boards) and downgrade authorization must verify against it, as the devices will, before anything is stored
    /// or offered. Without it no campaign is created or resumed, and campaigns loaded from the store are not served.
    /// </summary>
    public byte[]? ReleasePublicKey { get; init; }

    /// <summary>Where health-gated campaigns read the devices' vitals (device_vitals); without it no gated campaign is created.</summary>
    public ITelemetryStore? Telemetry { get; init; }

    /// <summary>How long a stage that waited for data (too few devices or drain trends) waits before it is judged again.</summary>
    public TimeSpan RejudgeAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Reads every campaign from the store (after a restart).</summary>
    public async Task LoadAsync(CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        try
        {
            _campaigns.Clear();
            _packages.Clear();
            _untrusted.Clear();
            foreach (var c in await _store.LoadAllAsync(ct))
            {
                _campaigns[c.Id] = c;
                var package = CampaignPackage.Parse(c.Package);
                _packages[c.Id] = package;
                // A campaign stored by an earlier receiver (without a key, or with another one) is re-verified, not trusted.
                if (TrustProblem(c, package) is { } problem)
                {
                    _untrusted[c.Id] = problem;
                    if (c.State is not (CampaignState.Completed or CampaignState.Aborted))
                        _log.LogWarning("campaign {Id} is not served (no offers, no chunks, no resume): {Problem}", c.Id, problem);
                }
            }
            await CatchUpRollbacksAsync(ct);
        }
        finally { _lock.Release(); }
    }

    /// <summary>Snapshots, newest first.</summary>
    public async Task<IReadOnlyList<Campaign>> ListAsync(CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        try { return _campaigns.Values.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id).Select(Snapshot).ToList(); }
        finally { _lock.Release(); }
    }

    public async Task<Campaign?> GetAsync(string id, CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        try { return _campaigns.TryGetValue(id, out var c) ? Snapshot(c) : null; }
        finally { _lock.Release(); }
    }

    /// <summary>
    /// Creates a campaign over the devices of <paramref name="fleet"/> that match its cohort and do not run the
    /// target version already, and starts it unless the request says otherwise. Throws <see cref="ArgumentException"/>
    /// for a bad request, an unreadable package, a package or authorization that does not verify against the release key
    /// (or no release key), or an empty cohort; nothing is stored or published then.
    /// </summary>
    public async Task<Campaign> CreateAsync(CampaignRequest request, IEnumerable<CohortDevice> fleet, CancellationToken ct = default)
    {
        var (campaign, package) = Prepare(request, fleet);
        await _lock.WaitAsync(ct);
        try
        {
            await _store.SaveCampaignAsync(campaign, ct);
            _campaigns[campaign.Id] = campaign;
            _packages[campaign.Id] = package;
            _log.LogInformation("campaign {Id}: {Version} to {Devices} devices, canary {Canary}", campaign.Id, package.Version, campaign.Devices.Count,
                campaign.InWave(CanaryWave).Count());
            if (request.Start) await StartLockedAsync(campaign, ct);
            return Snapshot(campaign);
        }
        finally { _lock.Release(); }
    }

    /// <summary>Everything <see cref="CreateAsync"/> checks, before anything is stored.</summary>
    private (Campaign, CampaignPackage) Prepare(CampaignRequest request, IEnumerable<CohortDevice> fleet)
    {
        try
        {
            var key = ReleasePublicKey ?? throw new ArgumentException(NoReleaseKeyProblem);
            if (request.Gate is not null && Telemetry is null)
                throw new ArgumentException("this receiver has no telemetry store to read the devices' vitals from: it runs no health-gated campaign");
            request.Validate();
            var (bytes, package) = LoadPackage(request.Version, request.Package);
            if (request.Cohort.Board is { } board && !package.Manifest.SupportsBoard(board))
                throw new ArgumentException($"package {package.Version} is not built for board '{board}' (it lists {string.Join(", ", package.Manifest.Boards)})");
            VerifyPackage(key, package, request.Cohort.Board ?? package.Manifest.Boards[0]);
            var authorization = request.DowngradeAuthorization is { } file ? CheckAuthorization(key, file, package, checkExpiry: true) : null;

            var now = _time.GetUtcNow();
            string id = $"c{now:yyyyMMddHHmmss}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4])}";
            var members = fleet.Where(request.Cohort.Matches).Where(d => d.Firmware != package.Version)
                .Where(d => authorization is null || Covers(authorization.Authorization, d)).DistinctBy(d => d.Id).ToList();
            if (members.Count == 0)
                throw new ArgumentException("the cohort is empty: no device matches it that does not already run " + package.Version
                    + (authorization is null ? "" : " and that the downgrade authorization names"));
            // Each board the cohort's devices report must be one the signed manifest lists, as each device will check.
            foreach (var other in members.Select(d => d.Board).OfType<string>().Distinct(StringComparer.Ordinal))
                if (!package.Manifest.SupportsBoard(other))
                    throw new ArgumentException($"package {package.Version} is not built for board '{other}' of {members.Count(d => d.Board == other)} device(s) in the cohort "
                        + $"(it lists {string.Join(", ", package.Manifest.Boards)}); narrow the cohort with 'board'");
            var rollback = request.Rollback is { } r ? PrepareRollback(key, r, package, members) : null;
            var cohort = members.Select(d => d.Id).ToList();
            var canary = CanaryPolicy.PickCanary(id, cohort, request.CanaryPercent);
            var stages = request.Gate is { } plan ? GatedStages.Assign(id, cohort, plan) : null;
            var campaign = new Campaign
            {
                Id = id,
                Name = request.Name.Length > 0 ? request.Name : "update to " + package.Version,
                TargetVersion = package.Version,
                Cohort = request.Cohort,
                CanaryPercent = request.CanaryPercent,
                SuccessThreshold = request.SuccessThreshold,
                Window = request.Window,
                DowngradeAuthorization = request.DowngradeAuthorization,
                Rollback = rollback,
                ChunkSize = request.ChunkSize,
                CreatedAt = now,
                UpdatedAt = now,
                Package = bytes,
                Gate = request.Gate is null ? null : new GateState
                {
                    Plan = request.Gate, Boards = members.ToDictionary(d => d.Id, d => d.Board ?? "", StringComparer.Ordinal), StageStartedAt = now,
                },
            };
            foreach (var device in cohort)
                campaign.Devices[device] = new CampaignDevice
                {
                    DeviceId = device, Wave = stages is not null ? stages[device] : canary.Contains(device) ? CanaryWave : RestWave,
                };
            return (campaign, package);
        }
        catch (ArgumentException e)
        {
            _log.LogWarning("campaign refused: {Reason}", e.Message);
            throw;
        }
    }

    /// <summary>The package bytes given, or the repository's for <paramref name="version"/>, parsed.</summary>
    private (byte[], CampaignPackage) LoadPackage(string? version, byte[]? given)
    {
        byte[] bytes;
        if (given is not null) bytes = given;
        else
        {
            if (_repository is null) throw new ArgumentException("this receiver has no firmware repository configured; send the package bytes instead");
            // The index's signatureChecked says what publish did with some key; only this receiver's key counts.
            bytes = _repository.Load(version!);
        }
        var package = CampaignPackage.Parse(bytes);
        if (version is not null && package.Version != ParseVersion(version))
            throw new ArgumentException($"the repository's package for {version} contains version {package.Version}");
        return (bytes, package);
    }

    /// <summary>The device's manifest check (signature, key id, board) with the release key; throws naming what failed.</summary>
    private static void VerifyPackage(byte[] key, CampaignPackage package, string board)
    {
        if (package.VerifyProblem(key, board) is { } problem)
            throw new ArgumentException($"package {package.Version} refused: {problem} (the receiver's release key is {Convert.ToHexStringLower(ReleaseKey.KeyId(key))})");
    }

    /// <summary>
    /// A downgrade authorization must be well formed, name this package (version and manifest SHA-256) and verify with the
    /// release key (key id and signature): what the devices will check, so a bad one fails here and not on the fleet.
    /// </summary>
    private DowngradeAuthorizationFile CheckAuthorization(byte[] key, byte[] file, CampaignPackage package, bool checkExpiry)
    {
        DowngradeAuthorizationFile parsed;
        try { parsed = DowngradeAuthorizationFile.Parse(file); }
        catch (FormatException e) { throw new ArgumentException(e.Message, e); }
        var a = parsed.Authorization;
        if (a.TargetVersion.ToString() != package.Version || !a.ManifestSha256.AsSpan().SequenceEqual(SHA256.HashData(package.ManifestBytes)))
            throw new ArgumentException($"the downgrade authorization is for {a.TargetVersion} with another manifest, not for this package {package.Version}");
        if (!a.KeyId.AsSpan().SequenceEqual(ReleaseKey.KeyId(key)) ||
            !NodeFirmware.Core.Crypto.Ed25519.Verify(key, DowngradeAuthorizationCodec.SignedBytes(parsed.Document), parsed.Signature))
            throw new ArgumentException("the downgrade authorization is not signed by the release key");
        if (checkExpiry && a.ExpiresUnixTime != 0 && a.ExpiresUnixTime < _time.GetUtcNow().ToUnixTimeSeconds())
            throw new ArgumentException($"the downgrade authorization expired at {DateTimeOffset.FromUnixTimeSeconds(a.ExpiresUnixTime):u}");
        return parsed;
    }

    /// <summary>Why a stored campaign may not be served by this engine, or null when its package and authorization verify.</summary>
    private string? TrustProblem(Campaign c, CampaignPackage package)
    {
        if (ReleasePublicKey is not { } key) return NoReleaseKeyProblem;
        try
        {
            VerifyPackage(key, package, c.Cohort.Board ?? package.Manifest.Boards[0]);
            // The expiry was checked when the campaign was created; each device checks it again.
            if (c.DowngradeAuthorization is { } file) CheckAuthorization(key, file, package, checkExpiry: false);
            if (c.Rollback is { } rollback) VerifyRollback(key, rollback, c);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    private Campaign Snapshot(Campaign c)
    {
        var copy = CampaignCopy.Of(c);
        copy.TrustProblem = _untrusted.GetValueOrDefault(c.Id);
        copy.RollbackProgress = RollbackProgressOf(c);
        return copy;
    }

    private static bool Covers(DowngradeAuthorization a, CohortDevice d) =>
        FirmwareVersion.TryParse(d.Firmware ?? "", out var running) ? a.Covers(d.Id, running) : a.FromVersions.Length == 0 && a.Covers(d.Id, new FirmwareVersion(0, 0, 0, 0));

    /// <summary>
    /// Draft → canary; a paused campaign returns to the phase it was paused in (and moves on if its wave finished
    /// meanwhile); a halted campaign continues with all devices not offered yet (rolling). A campaign whose package or
    /// authorization does not verify against the release key (or without one) is not resumed: <see cref="InvalidOperationException"/>.
    /// </summary>
    public async Task<Campaign> ResumeAsync(string id, CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var c = Find(id);
            if ((c.State is CampaignState.Draft or CampaignState.Halted or CampaignState.Paused) && _untrusted.TryGetValue(id, out var problem))
                throw new InvalidOperationException($"campaign {id} is not resumed: {problem}");
            switch (c.State)
            {
                case CampaignState.Draft:
                    await StartLockedAsync(c, ct);
                    break;
                case CampaignState.Paused when c.Gate is { } g:
                    await SetStateAsync(c, g.Stage == 0 ? CampaignState.Canary : CampaignState.Rolling, "resumed", ct);
                    await ResumeRateAsync(c, g, ct);
                    await EvaluateAsync(c, ct);
                    break;
                case CampaignState.Halted when c.Gate is { } g:
                    await OverrideHaltAsync(c, g, ct);
                    break;
                case CampaignState.Paused:
                    // The rest wave is offered all at once when rolling starts, so an offered rest device means it had.
                    bool wasRolling = c.InWave(RestWave).Any(d => d.State != DeviceOtaState.Waiting);
                    await SetStateAsync(c, wasRolling ? CampaignState.Rolling : CampaignState.Canary, "resumed", ct);
                    await ResumeRollbackAsync(c, ct);
                    await EvaluateAsync(c, ct);
                    break;
                case CampaignState.Halted:
                    RefuseResumeAfterRollback(c);
                    await SetStateAsync(c, CampaignState.Rolling, "resumed", ct);
                    foreach (var d in c.Devices.Values.Where(d => d.State == DeviceOtaState.Waiting).ToList()) await OfferAsync(c, d, ct);
                    await EvaluateAsync(c, ct);
                    break;
                default:
                    throw new InvalidOperationException($"campaign {id} is {c.State.ToString().ToLowerInvariant()}; only a draft, paused or halted campaign can be resumed");
            }
            return Snapshot(c);
        }
        finally { _lock.Release(); }
    }

    /// <summary>
    /// Canary or rolling → paused: no further device is offered the image until <see cref="ResumeAsync"/>. Devices already
    /// offered keep their offer and are served and followed to their result (pulling an offer mid-download would leave them
    /// retrying); their results count when the campaign resumes. Anything else: <see cref="InvalidOperationException"/>.
    /// </summary>
    public async Task<Campaign> PauseAsync(string id, CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var c = Find(id);
            if (!c.IsActive)
                throw new InvalidOperationException($"campaign {id} is {c.State.ToString().ToLowerInvariant()}; only a canary or rolling campaign can be paused");
            await SetStateAsync(c, CampaignState.Paused, "paused by operator", ct);
            return Snapshot(c);
        }
        finally { _lock.Release(); }
    }

    /// <summary>Stops for good: every unfinished device's offer is cleared and no more chunks are served.</summary>
    public async Task<Campaign> AbortAsync(string id, CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var c = Find(id);
            if (c.State is CampaignState.Completed or CampaignState.Aborted)
                throw new InvalidOperationException($"campaign {id} is already {c.State.ToString().ToLowerInvariant()}");
            await SetStateAsync(c, CampaignState.Aborted, "aborted by operator", ct);
            foreach (var d in c.Devices.Values.Where(d => !d.State.IsFinished()).ToList())
            {
                bool offered = d.State != DeviceOtaState.Waiting;
                d.State = DeviceOtaState.Cancelled;
                d.Reason = "campaign aborted";
                d.FinishedAt = _time.GetUtcNow();
                await _store.SaveDeviceAsync(c.Id, d, ct);
                if (offered) await ClearOfferAsync(d.DeviceId, ct);
            }
            return Snapshot(c);
        }
        finally { _lock.Release(); }
    }

    /// <summary>One message from nodes/+/ota/req|progress|result. Bad payloads are logged and dropped, never thrown.</summary>
    public async Task HandleAsync(string topic, byte[] payload, CancellationToken ct = default)
    {
        if (OtaTopics.Parse(topic) is not { } t) return;
        try
        {
            switch (t.Kind)
            {
                case "req": await AnswerRequestAsync(t.DeviceId, payload, ct); break;
                case "progress": await OnProgressAsync(t.DeviceId, OtaReports.DecodeProgress(payload), ct); break;
                case "result": await OnResultAsync(t.DeviceId, OtaReports.DecodeResult(payload), ct); break;
            }
        }
        catch (FormatException e)
        {
            _log.LogWarning("{Topic}: {Problem}", topic, e.Message);
        }
    }

    /// <summary>
    /// How long an offered device may stay without a result before its offer is published again. A device whose
    /// session survives its reboots is not sent the retained offer anew, and an offer it sees again with a campaign it
    /// already finished is answered with that result (docs/formats/firmware-package.md), so the repeat recovers a
    /// result the device lost (e.g. a rollback it noted at boot and lost in deep sleep before connecting).
    /// While the device downloads or runs its trial, the repeated offer changes nothing.
    /// </summary>
    public TimeSpan RepeatOfferAfter { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Fails every offered device whose window has passed without a result, repeats overdue offers
    /// (<see cref="RepeatOfferAfter"/>), then re-evaluates the campaign.
    /// </summary>
    public async Task TickAsync(CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var now = _time.GetUtcNow();
            foreach (var c in _campaigns.Values.Where(c => (c.State is CampaignState.Canary or CampaignState.Rolling or CampaignState.Halted or CampaignState.Paused) && !_untrusted.ContainsKey(c.Id)).ToList())
            {
                bool changed = false;
                foreach (var d in c.Devices.Values.Where(d => d.State.IsInFlight() && d.OfferedAt + c.Window <= now).ToList())
                {
                    await FinishAsync(c, d, DeviceOtaState.Failed, $"timeout: no result within {c.Window}", d.ReportedFirmware, ct);
                    changed = true;
                }
                foreach (var d in c.Devices.Values.Where(d => d.State.IsInFlight() && (d.OfferRepeatedAt ?? d.OfferedAt) + RepeatOfferAfter <= now).ToList())
                {
                    d.OfferRepeatedAt = now;
                    await _store.SaveDeviceAsync(c.Id, d, ct);
                    await PublishOfferAsync(c, d.DeviceId, ct);
                }
                // A gated stage also moves with time alone: the next offer under the rate limit, the end of its dwell.
                if (changed || (c.Gate is not null && c.IsActive)) await EvaluateAsync(c, ct);
            }
        }
        finally { _lock.Release(); }
    }

    /// <summary>Publishes the offer again to every device still expected to finish (after the broker connection was (re)made).</summary>
    public async Task RepublishOffersAsync(CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        try
        {
            foreach (var c in _campaigns.Values.Where(c => (c.State is CampaignState.Canary or CampaignState.Rolling or CampaignState.Halted or CampaignState.Paused) && !_untrusted.ContainsKey(c.Id)))
                foreach (var d in c.Devices.Values.Where(d => d.State.IsInFlight()))
                    await PublishOfferAsync(c, d.DeviceId, ct);
        }
        finally { _lock.Release(); }
    }

    // ---- wire ----------------------------------------------------------------------------------

    private async Task AnswerRequestAsync(string deviceId, byte[] payload, CancellationToken ct)
    {
        var q = CampaignChunkServer.DecodeRequest(payload);
        CampaignPackage? package;
        int chunkSize;
        await _lock.WaitAsync(ct);
        try
        {
            if (!_campaigns.TryGetValue(q.CampaignId, out var c) || c.State is CampaignState.Draft or CampaignState.Aborted || _untrusted.ContainsKey(c.Id) ||
                !c.Devices.TryGetValue(deviceId, out var d) || d.State is DeviceOtaState.Waiting or DeviceOtaState.Cancelled)
            {
                _log.LogDebug("{Device} asked for a chunk of {Campaign}, which is not serving it", deviceId, q.CampaignId);
                return;
            }
            package = _packages[c.Id];
            chunkSize = c.ChunkSize;
        }
        finally { _lock.Release(); }
        byte[]? chunk = CampaignChunkServer.Answer(package, q, chunkSize);
        if (chunk is null)
        {
            _log.LogWarning("{Device} asked for file {File} at {Offset}, outside package {Campaign}", deviceId, q.FileIndex, q.Offset, q.CampaignId);
            return;
        }
        await PublishAsync(OtaTopics.Chunk(deviceId), chunk, retain: false, ct);
    }

    /// <summary>
    /// A message the broker did not take is logged, not thrown: the state is stored first, lost chunks are asked for
    /// again, results are repeated, and offers are published again on reconnection (<see cref="RepublishOffersAsync"/>)
    /// and when overdue.
    /// </summary>
    private async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct)
    {
        try { await _publisher.PublishAsync(topic, payload, retain, ct); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _log.LogWarning("publishing to {Topic} failed: {Message}", topic, e.Message);
        }
    }

    private async Task OnProgressAsync(string deviceId, OtaProgressReport p, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            _log.LogDebug("{Device} progress {Campaign} {State} {Done}/{Total}", deviceId, p.Campaign, p.State, p.Done, p.Total);
            if (!_campaigns.TryGetValue(p.Campaign, out var c) || !c.Devices.TryGetValue(deviceId, out var d) || d.State.IsFinished()) return;
            if (p.State == OtaClient.StateTrial) d.State = DeviceOtaState.Trial; // its "done" and "total" are 0
            else
            {
                d.State = DeviceOtaState.Downloading;
                d.Done = p.Done;
                d.Total = p.Total;
            }
            if (p.State == OtaClient.StateStalled) d.Reason = "stalled (the device will try again)";
            await _store.SaveDeviceAsync(c.Id, d, ct);
        }
        finally { _lock.Release(); }
    }

    private async Task OnResultAsync(string deviceId, OtaResultReport r, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (!_campaigns.TryGetValue(r.Campaign, out var c) || !c.Devices.TryGetValue(deviceId, out var d)) return;
            if (d.State.IsFinished())
            {
                // The device repeats its result on every connection until the retained offer is gone.
                await ClearFinishedOfferAsync(deviceId, ct);
                return;
            }
            if (r.Ok && r.Firmware == c.TargetVersion)
                await FinishAsync(c, d, DeviceOtaState.Succeeded, null, r.Firmware, ct);
            else if (r.Ok)
                await FinishAsync(c, d, DeviceOtaState.RolledBack, $"rolled-back: runs {r.Firmware} after its trial, not {c.TargetVersion}", r.Firmware, ct);
            else if (r.ErrorCode == OtaFailure.RolledBack)
                await FinishAsync(c, d, DeviceOtaState.RolledBack, r.Error, r.Firmware, ct);
            else
                await FinishAsync(c, d, DeviceOtaState.Failed, r.Error ?? "failed without a reason", r.Firmware, ct);
            await EvaluateAsync(c, ct);
        }
        finally { _lock.Release(); }
    }

    // ---- state (called under the lock) -------------------------------------------------------------------

    private Campaign Find(string id) =>
        _campaigns.TryGetValue(id, out var c) ? c : throw new KeyNotFoundException($"no campaign '{id}'");

    private static string ParseVersion(string text)
    {
        try { return FirmwareVersion.Parse(text).ToString(); }
        catch (FormatException e) { throw new ArgumentException("version: " + e.Message, e); }
    }

    private async Task StartLockedAsync(Campaign c, CancellationToken ct)
    {
        if (c.Gate is { } g)
        {
            g.StageStartedAt = _time.GetUtcNow();
            await SetStateAsync(c, CampaignState.Canary, null, ct);
            await StepGateAsync(c, g, ct);
            return;
        }
        await SetStateAsync(c, CampaignState.Canary, null, ct);
        foreach (var d in c.InWave(CanaryWave).ToList()) await OfferAsync(c, d, ct);
    }

    private async Task OfferAsync(Campaign c, CampaignDevice d, CancellationToken ct)
    {
        var package = _packages[c.Id];
        d.State = DeviceOtaState.Offered;
        d.OfferedAt = _time.GetUtcNow();
        d.Total = package.TotalSize;
        d.Reason = null;
        d.OfferRepeatedAt = null;
        await _store.SaveDeviceAsync(c.Id, d, ct);
        await PublishOfferAsync(c, d.DeviceId, ct);
    }

    private Task PublishOfferAsync(Campaign c, string deviceId, CancellationToken ct)
    {
        // Every offer passes here: the last guard, should a path above ever forget an unverified campaign.
        if (_untrusted.TryGetValue(c.Id, out var problem))
        {
            _log.LogError("offer of campaign {Id} to {Device} not published: {Problem}", c.Id, deviceId, problem);
            return Task.CompletedTask;
        }
        var package = _packages[c.Id];
        var authorization = c.DowngradeAuthorization is { } file ? DowngradeAuthorizationFile.Parse(file) : null;
        byte[] offer = OtaMessages.EncodeOffer(new OtaOffer
        {
            CampaignId = c.Id, Manifest = package.ManifestBytes, Signature = package.Signature, ChunkSize = c.ChunkSize,
            Authorization = authorization?.Document, AuthorizationSignature = authorization?.Signature,
        });
        return PublishAsync(OtaTopics.Offer(deviceId), offer, retain: true, ct);
    }

    private Task ClearOfferAsync(string deviceId, CancellationToken ct) => PublishAsync(OtaTopics.Offer(deviceId), [], retain: true, ct);

    private async Task FinishAsync(Campaign c, CampaignDevice d, DeviceOtaState state, string? reason, string? firmware, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        d.State = state;
        d.Reason = reason;
        d.ReportedFirmware = firmware;
        d.FinishedAt = now;
        if (state == DeviceOtaState.Succeeded) d.Done = d.Total;
        await _store.SaveDeviceAsync(c.Id, d, ct);
        await ClearOfferAsync(d.DeviceId, ct);
        _log.LogInformation("campaign {Id}: {Device} {State} {Reason}", c.Id, d.DeviceId, state, reason);
        if (_outcomes is not null && (state.IsFailure() || state == DeviceOtaState.Succeeded))
        {
            try { await _outcomes(c.Id, d.DeviceId, state == DeviceOtaState.Succeeded, now); }
            catch (Exception e) { _log.LogWarning(e, "recording the OTA outcome of {Device} failed", d.DeviceId); }
        }
        if (state == DeviceOtaState.Succeeded && c.State == CampaignState.Halted) await OfferRollbackAsync(c, ct);
    }

    private async Task SetStateAsync(Campaign c, CampaignState state, string? reason, CancellationToken ct)
    {
        c.State = state;
        c.StateReason = reason;
        c.UpdatedAt = _time.GetUtcNow();
        await _store.SaveStateAsync(c, ct);
        _log.LogInformation("campaign {Id}: {State} {Reason}", c.Id, state, reason);
        if (state == CampaignState.Halted) await OfferRollbackAsync(c, ct);
    }

    private async Task EvaluateAsync(Campaign c, CancellationToken ct)
    {
        if (_untrusted.ContainsKey(c.Id)) return; // it records results, but moves on to no further wave
        if (c.Gate is { } gate)
        {
            await StepGateAsync(c, gate, ct);
            return;
        }
        if (c.State == CampaignState.Canary)
        {
            var canary = c.InWave(CanaryWave).ToList();
            int failures = canary.Count(d => d.State.IsFailure());
            int allowed = CanaryPolicy.AllowedFailures(canary.Count, c.SuccessThreshold);
            if (failures > allowed)
            {
                await SetStateAsync(c, CampaignState.Halted, $"canary: {failures} of {canary.Count} failed, the success threshold {c.SuccessThreshold:0.##} allows {allowed}", ct);
                return;
            }
            if (!canary.All(d => d.State.IsFinished())) return;
            await SetStateAsync(c, CampaignState.Rolling, null, ct);
            foreach (var d in c.InWave(RestWave).Where(d => d.State == DeviceOtaState.Waiting).ToList()) await OfferAsync(c, d, ct);
        }
        if (c.State == CampaignState.Rolling)
        {
            var rest = c.InWave(RestWave).ToList();
            int failures = rest.Count(d => d.State.IsFailure());
            int allowed = CanaryPolicy.AllowedFailures(rest.Count, c.SuccessThreshold);
            if (failures > allowed)
            {
                await SetStateAsync(c, CampaignState.Halted, $"rollout: {failures} of {rest.Count} failed, the success threshold {c.SuccessThreshold:0.##} allows {allowed}", ct);
                return;
            }
            if (c.Devices.Values.All(d => d.State.IsFinished())) await SetStateAsync(c, CampaignState.Completed, null, ct);
        }
    }
}

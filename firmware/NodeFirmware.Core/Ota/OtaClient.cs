using System;
using System.Collections;
using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Storage;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// The device side of an over-the-air update (docs/formats/firmware-package.md, "OTA topics"):
    /// offer → checks (signature, board, Loader, anti-rollback floor, version or a signed downgrade authorization) → download into the inactive slot chunk by chunk,
    /// resumable across reboots → SHA-256 of every file → slot marked trial → reboot → the new image confirms
    /// itself once healthy (sensor read, broker reached, telemetry acknowledged) → result.
    /// It never marks a slot trial that did not verify, and reports every refusal or failure with a reason.
    /// </summary>
    public class OtaClient : INodeExtension, INodeLifecycleExtension
    {
        public const string StateAccepted = "accepted";
        public const string StateDownloading = "downloading";
        public const string StateStalled = "stalled";
        public const string StateRebooting = "rebooting";
        public const string StateTrial = "trial";

        private readonly OtaClientSettings _settings;
        private readonly ISlotStorage _slots;
        private readonly BootStateStore _bootStore;
        private readonly DualCopyStore _cursorStore;
        private readonly IClock _clock;
        private readonly ManifestVerifier _manifests;
        private readonly DowngradeAuthorizationVerifier _downgrades;
        private readonly SlotVerifier _slotVerifier;
        private readonly FirmwareVersion _running;
        private readonly string _offerTopic;
        private readonly string _chunkTopic;
        private readonly string _requestTopic;
        private readonly string _progressTopic;
        private readonly string _resultTopic;
        private readonly ArrayList _outbound = new ArrayList();    // of PendingPublish
        private readonly ArrayList _outstanding = new ArrayList(); // of Outstanding, by offset
        private readonly ArrayList _ahead = new ArrayList();       // of OtaChunk that arrived before the write offset reached them

        private BootState _boot;
        private OtaCursor _cursor;
        private FirmwareManifest _manifest;
        private bool _downloading;
        private bool _resumeTried;
        private bool _confirmPending;
        private bool _resultQueued;
        private bool _sensorRead;
        private bool _brokerReached;
        private bool _telemetryAcked;
        private bool _rebootRequested;
        private bool _trialReported;
        private bool _lastResultRepeated;
        private string _busyToldCampaign = "";
        private int _writeOffset;
        private int _nextRequestOffset;
        private int _lastProgressTenth = -1;
        private long _requestSequence;

        private class Outstanding
        {
            public int Offset;
            public int Length;
            public long SentAt;
            public int Retries;
            public bool Received;

            /// <summary>Order of the latest request sent for this chunk (answers come back in request order).</summary>
            public long Sequence;
        }

        /// <param name="cursorFlash">Two sectors of its own for the download cursor.</param>
        public OtaClient(OtaClientSettings settings, ISlotStorage slots, BootStateStore bootStore, IFlash cursorFlash, IClock clock)
        {
            if (settings == null || slots == null || bootStore == null || cursorFlash == null || clock == null) throw new ArgumentNullException("settings");
            if (settings.DeviceId == null || settings.Board == null) throw new ArgumentException("device id and board are required");
            if (settings.MaxChunkSize < 1 || settings.MaxChunkSize > OtaMessages.MaxChunkSize) throw new ArgumentException("MaxChunkSize out of range");
            if (settings.Window < 1) throw new ArgumentException("Window must be at least 1");
            if (settings.Rollback == null) throw new ArgumentException("Rollback policy is required");
            string policyProblem = settings.Rollback.Problem();
            if (policyProblem != null) throw new ArgumentException("rollback policy: " + policyProblem);
            _settings = settings;
            _slots = slots;
            _bootStore = bootStore;
            _clock = clock;
            _running = FirmwareVersion.Parse(settings.RunningVersion);
            _manifests = new ManifestVerifier(settings.ReleasePublicKey, settings.Board, settings.LoaderVersion);
            _slotVerifier = new SlotVerifier(slots, _manifests);
            _downgrades = new DowngradeAuthorizationVerifier(settings.ReleasePublicKey, settings.DeviceId);
            string prefix = "nodes/" + settings.DeviceId + "/ota/";
            _offerTopic = prefix + "offer";
            _chunkTopic = prefix + "chunk";
            _requestTopic = prefix + "req";
            _progressTopic = prefix + "progress";
            _resultTopic = prefix + "result";
            _cursorStore = new DualCopyStore(cursorFlash, 0);
            _cursor = LoadCursor();
            _boot = bootStore.Load();
            // No boot state: a development host without a Loader; the running image counts as slot A, confirmed.
            if (_boot == null) _boot = BootState.Factory(SlotLayout.SlotA, settings.RunningVersion);
            RecoverAfterBoot();
        }

        public string[] Subscriptions
        {
            get { return new string[] { _offerTopic, _chunkTopic }; }
        }

        public bool KeepConnected { get { return _downloading; } }

        /// <summary>
        /// A trial image wants its health proven, and a result (e.g. "rolled back", found at boot) wants out: both
        /// ask for a connection in this wake, because a deep sleep before it would lose what is only in RAM.
        /// </summary>
        public bool WantsHealthCheckNow { get { return _confirmPending || _resultQueued; } }

        public bool RebootRequested { get { return _rebootRequested; } }

        /// <summary>True while this image runs as an unconfirmed trial.</summary>
        public bool ConfirmPending { get { return _confirmPending; } }

        public bool Downloading { get { return _downloading; } }

        /// <summary>The persisted cursor (read it, do not change it).</summary>
        public OtaCursor Cursor { get { return _cursor; } }

        public BootState BootState { get { return _boot; } }

        public bool Accepts(string topic)
        {
            return topic == _offerTopic || topic == _chunkTopic;
        }

        public void OnMessage(string topic, byte[] payload)
        {
            try
            {
                if (topic == _offerTopic) HandleOffer(payload);
                else if (topic == _chunkTopic) HandleChunk(payload);
            }
            catch (Exception e)
            {
                // Storage trouble (full, I/O error) ends the download with its reason; the loop goes on.
                FailAfterException(e);
            }
        }

        public void TakeOutbound(ArrayList into)
        {
            try
            {
                if (!_resumeTried && !_downloading && _cursor.Phase == OtaCursor.Downloading) Resume();
                if (_confirmPending && !_trialReported)
                {
                    _trialReported = true;
                    QueueProgress(StateTrial, 0, 0);
                }
                if (_downloading) Pump();
                if (_resultQueued && !_cursor.LastReported)
                {
                    _cursor.LastReported = true;
                    SaveCursor();
                }
            }
            catch (Exception e)
            {
                // Storage trouble (full, I/O error) ends the download with its reason; the loop goes on.
                FailAfterException(e);
            }
            foreach (object p in _outbound) into.Add(p);
            _outbound.Clear();
            _resultQueued = false;
        }

        public void OnHealthSignal(NodeHealthSignal signal)
        {
            if (signal == NodeHealthSignal.SensorRead) _sensorRead = true;
            else if (signal == NodeHealthSignal.BrokerReached) _brokerReached = true;
            else if (signal == NodeHealthSignal.TelemetryAcknowledged) _telemetryAcked = true;
            if (!(_confirmPending && _settings.Rollback.IsHealthy(_sensorRead, _brokerReached, _telemetryAcked))) return;
            try
            {
                Confirm();
            }
            catch (Exception)
            {
                // Not recorded: the image stays on trial and confirms on a later boot, or the Loader reverts it.
                _confirmPending = false;
            }
        }

        // ---- after a boot -------------------------------------------------------------------------

        private void RecoverAfterBoot()
        {
            // A result recorded before a reboot or deep sleep that no session took yet: it goes out on this wake.
            if (!_cursor.LastReported && _cursor.LastCampaignId.Length > 0)
            {
                QueueResult(_cursor.LastCampaignId, _cursor.LastOk, _cursor.LastError);
                _lastResultRepeated = true;
            }
            if (_boot.TrialSlot != BootState.NoSlot)
            {
                // The Loader leaves a trial in the state only when it loaded it: this image is the trial.
                _confirmPending = true;
                return;
            }
            if (_cursor.Phase != OtaCursor.Installed) return;
            int target = _cursor.TargetSlot;
            if (_boot.ActiveSlot == target && _boot.Verdicts[target] == SlotVerdict.Valid)
            {
                // Confirmed, but power failed before the cursor recorded it.
                RecordResult(_cursor.CampaignId, true, null);
            }
            else
            {
                string why = _boot.Verdicts[target] == SlotVerdict.Invalid
                    ? "the new image in slot " + SlotLayout.SlotName(target) + " did not confirm itself or failed the Loader's check"
                    : "slot " + SlotLayout.SlotName(target) + " is no longer on trial";
                RecordResult(_cursor.CampaignId, false, OtaFailure.Format(OtaFailure.RolledBack, why));
            }
        }

        private void Confirm()
        {
            BootStateMachine.OnAppConfirm(_boot);
            _bootStore.Save(_boot);
            _confirmPending = false;
            if (_cursor.Phase != OtaCursor.Idle) RecordResult(_cursor.CampaignId, true, null);
        }

        // ---- offers -------------------------------------------------------------------------------

        private void HandleOffer(byte[] payload)
        {
            OtaOffer offer;
            try
            {
                offer = OtaMessages.DecodeOffer(payload);
            }
            catch (CborException e)
            {
                QueueResult("", false, OtaFailure.Format(OtaFailure.BadOffer, e.Message));
                return;
            }
            if (_cursor.Phase == OtaCursor.Idle && offer.CampaignId == _cursor.LastCampaignId)
            {
                // A retained offer seen again: answer once per wake with the result already reached.
                if (!_lastResultRepeated) QueueResult(_cursor.LastCampaignId, _cursor.LastOk, _cursor.LastError);
                _lastResultRepeated = true;
                return;
            }
            if (_confirmPending || _cursor.Phase == OtaCursor.Installed)
            {
                if (offer.CampaignId != _cursor.CampaignId && offer.CampaignId != _busyToldCampaign)
                {
                    _busyToldCampaign = offer.CampaignId;
                    QueueResult(offer.CampaignId, false, OtaFailure.Format(OtaFailure.Busy, "an installed image awaits its trial boot or confirmation"));
                }
                return;
            }
            byte[] digest = Sha256.Hash(offer.Manifest);
            if (_cursor.Phase == OtaCursor.Downloading && offer.CampaignId == _cursor.CampaignId && ReleaseKey.SameBytes(digest, _cursor.ManifestDigest))
            {
                if (!_downloading) Resume();
                return;
            }
            FirmwareManifest m;
            DowngradeAuthorization authorization;
            string refusal = Evaluate(offer, digest, out m, out authorization);
            if (_cursor.Phase == OtaCursor.Downloading)
            {
                if (refusal != null)
                {
                    // Only an acceptable offer replaces the download in progress: a replayed or bad one cannot cancel it.
                    QueueResult(offer.CampaignId, false, refusal);
                    return;
                }
                Fail(OtaFailure.Format(OtaFailure.Superseded, "by campaign " + offer.CampaignId));
            }
            if (refusal != null)
            {
                RecordResult(offer.CampaignId, false, refusal);
                return;
            }
            Begin(offer, m, digest, authorization);
        }

        /// <summary>
        /// Null when the offer may be installed, else the reason: the manifest's signature and fit, the anti-rollback
        /// floor (no exception), and for a version not newer than anything confirmed here a signed downgrade authorization.
        /// </summary>
        private string Evaluate(OtaOffer offer, byte[] digest, out FirmwareManifest m, out DowngradeAuthorization authorization)
        {
            authorization = null;
            string reason;
            m = _manifests.Verify(offer.Manifest, 0, offer.Manifest.Length, offer.Signature, out reason);
            if (m == null) return reason;
            if (m.SecurityVersion < _boot.SecurityFloor)
                return OtaFailure.Format(OtaFailure.BelowFloor, "offered " + m.Version + " has security version " + m.SecurityVersion
                    + ", this device's floor is " + _boot.SecurityFloor + "; no authorization goes below it");
            FirmwareVersion newest = NewestConfirmed();
            if (m.Version.CompareTo(newest) > 0) return null;
            string context = "offered " + m.Version + ", running " + _running + (newest != _running ? ", newest confirmed " + newest : "");
            if (offer.Authorization == null)
                return OtaFailure.Format(OtaFailure.NotNewer, context + "; a downgrade needs a signed authorization");
            authorization = _downgrades.Verify(offer.Authorization, offer.AuthorizationSignature, digest, m.Version, _running,
                _boot.DowngradeCounter, _clock.UnixTimeSeconds, _clock.IsTimeValid, out reason);
            return authorization == null ? reason + " (" + context + ")" : null;
        }

        /// <summary>The running version or the newest ever confirmed, whichever is higher: only above it is an offer an upgrade.</summary>
        private FirmwareVersion NewestConfirmed()
        {
            FirmwareVersion highest;
            if (FirmwareVersion.TryParse(_boot.HighestVersion, out highest) && highest.CompareTo(_running) > 0) return highest;
            return _running;
        }

        private void Begin(OtaOffer offer, FirmwareManifest m, byte[] digest, DowngradeAuthorization authorization)
        {
            int target = SlotLayout.Other(_boot.ActiveSlot);
            try
            {
                // Boot state first: from here on the slot holds nothing loadable until it verified, and a downgrade
                // authorization is spent in the same write.
                if (authorization != null) BootStateMachine.OnDowngradeAuthorizationUsed(_boot, authorization.Counter);
                BootStateMachine.OnInstallStarted(_boot, target);
                _bootStore.Save(_boot);
                _slots.EraseSlot(target);
                var signed = new byte[offer.Manifest.Length + Ed25519.SignatureSize];
                Array.Copy(offer.Manifest, signed, offer.Manifest.Length);
                Array.Copy(offer.Signature, 0, signed, offer.Manifest.Length, Ed25519.SignatureSize);
                _slots.Write(target, SlotLayout.ManifestFileName, 0, signed, 0, signed.Length);
            }
            catch (Exception e)
            {
                RecordResult(offer.CampaignId, false, OtaFailure.Format(OtaFailure.Storage, e.Message));
                return;
            }
            _cursor.Phase = OtaCursor.Downloading;
            _cursor.CampaignId = offer.CampaignId;
            _cursor.ManifestDigest = digest;
            _cursor.TargetSlot = target;
            _cursor.FileIndex = 0;
            _cursor.FileFailures = 0;
            _cursor.Stalls = 0;
            _cursor.ChunkSize = IntMath.Min(offer.ChunkSize, _settings.MaxChunkSize);
            SaveCursor();
            _manifest = m;
            QueueProgress(StateAccepted, 0, m.TotalSize);
            StartDownload();
        }

        /// <summary>Picks up an interrupted download: the manifest comes back from the slot, checked against the cursor's digest.</summary>
        private void Resume()
        {
            _resumeTried = true;
            string reason;
            byte[] signed = _slotVerifier.ReadManifestFile(_cursor.TargetSlot, out reason);
            int length = signed == null ? 0 : signed.Length - Ed25519.SignatureSize;
            if (signed == null || !ReleaseKey.SameBytes(Sha256.Hash(signed, 0, length), _cursor.ManifestDigest))
            {
                Fail(OtaFailure.Format(OtaFailure.Storage, "the slot lost the manifest of the interrupted download"));
                return;
            }
            try
            {
                _manifest = ManifestCodec.Decode(signed, 0, length);
            }
            catch (CborException e)
            {
                Fail(OtaFailure.Format(OtaFailure.BadManifest, e.Message));
                return;
            }
            StartDownload();
        }

        // ---- download -----------------------------------------------------------------------------

        private void StartDownload()
        {
            _downloading = true;
            _lastProgressTenth = -1;
            BeginFile();
        }

        /// <summary>Sets the write offset for the cursor's file from what the slot holds; verifies files already complete.</summary>
        private void BeginFile()
        {
            while (_downloading)
            {
                if (_cursor.FileIndex >= _manifest.Files.Length)
                {
                    Install();
                    return;
                }
                ManifestFile file = _manifest.Files[_cursor.FileIndex];
                int length = _slots.FileLength(_cursor.TargetSlot, file.Name);
                if (length > file.Size)
                {
                    _slots.DeleteFile(_cursor.TargetSlot, file.Name);
                    length = -1;
                }
                if (length < 0)
                {
                    _slots.Write(_cursor.TargetSlot, file.Name, 0, new byte[0], 0, 0);
                    length = 0;
                }
                _writeOffset = length;
                _nextRequestOffset = length;
                _outstanding.Clear();
                _ahead.Clear();
                if (length < file.Size) return;
                if (!FileComplete()) return;
            }
        }

        /// <summary>The current file reached its size: true when it verified and the cursor moved on.</summary>
        private bool FileComplete()
        {
            ManifestFile file = _manifest.Files[_cursor.FileIndex];
            string reason;
            if (_slotVerifier.FileMatches(_cursor.TargetSlot, file, out reason))
            {
                _cursor.FileIndex++;
                _cursor.FileFailures = 0;
                _cursor.Stalls = 0;
                SaveCursor();
                return true;
            }
            _cursor.FileFailures++;
            if (_cursor.FileFailures > _settings.MaxFileRetries)
            {
                Fail(reason + " (downloaded " + _cursor.FileFailures + " times)");
                return false;
            }
            SaveCursor();
            _slots.DeleteFile(_cursor.TargetSlot, file.Name);
            _slots.Write(_cursor.TargetSlot, file.Name, 0, new byte[0], 0, 0);
            _writeOffset = 0;
            _nextRequestOffset = 0;
            _outstanding.Clear();
            _ahead.Clear();
            return false;
        }

        /// <summary>Re-sends requests that timed out and keeps the window of requests full.</summary>
        private void Pump()
        {
            long now = _clock.UptimeMillis;
            ManifestFile file = _manifest.Files[_cursor.FileIndex];
            foreach (Outstanding o in _outstanding)
            {
                if (o.Received || now - o.SentAt < _settings.ChunkTimeoutMillis) continue;
                if (o.Retries >= _settings.MaxChunkRetries)
                {
                    Stall();
                    return;
                }
                o.Retries++;
                o.SentAt = now;
                QueueRequest(o);
            }
            while (_outstanding.Count < _settings.Window && _nextRequestOffset < file.Size)
            {
                var o = new Outstanding();
                o.Offset = _nextRequestOffset;
                o.Length = IntMath.Min(_cursor.ChunkSize, file.Size - _nextRequestOffset);
                o.SentAt = now;
                _outstanding.Add(o);
                _nextRequestOffset += o.Length;
                QueueRequest(o);
            }
        }

        private void HandleChunk(byte[] payload)
        {
            if (!_downloading) return;
            OtaChunk chunk;
            try
            {
                chunk = OtaMessages.DecodeChunk(payload);
            }
            catch (CborException)
            {
                return; // unreadable: the request times out and is sent again
            }
            if (chunk.CampaignId != _cursor.CampaignId || chunk.FileIndex != _cursor.FileIndex) return;
            Outstanding o = FindOutstanding(chunk.Offset);
            if (o == null || o.Received) return; // a duplicate, or nothing we asked for
            ManifestFile file = _manifest.Files[_cursor.FileIndex];
            if (chunk.Data.Length != o.Length || Crc32.Compute(chunk.Data, 0, chunk.Data.Length) != chunk.Crc)
            {
                if (o.Retries >= _settings.MaxChunkRetries)
                {
                    Fail(OtaFailure.Format(OtaFailure.ChunkCorrupt, "chunk at " + o.Offset + " of '" + file.Name + "' arrived damaged " + (o.Retries + 1) + " times"));
                    return;
                }
                o.Retries++;
                o.SentAt = _clock.UptimeMillis;
                QueueRequest(o);
                return;
            }
            RequestAgainWhatWasOvertaken(o);
            if (chunk.Offset != _writeOffset)
            {
                o.Received = true;
                _ahead.Add(chunk);
                return;
            }
            WriteChunk(file, chunk, o);
            for (int i = 0; i < _ahead.Count; i++)
            {
                var next = (OtaChunk)_ahead[i];
                if (next.Offset != _writeOffset) continue;
                _ahead.RemoveAt(i);
                WriteChunk(file, next, FindOutstanding(next.Offset));
                i = -1; // start over: the next one may be anywhere in the list
            }
            if (_writeOffset == file.Size)
            {
                if (FileComplete()) BeginFile();
            }
            else
            {
                ReportProgress();
            }
        }

        /// <summary>
        /// The cloud answers requests in the order they were made, over one session: an answer that overtook an
        /// earlier request means that request's answer was lost, so it is asked for again now rather than after
        /// the timeout. Not counted as a retry: a reordering link costs a duplicate, never a stall.
        /// </summary>
        private void RequestAgainWhatWasOvertaken(Outstanding answered)
        {
            long now = _clock.UptimeMillis;
            foreach (Outstanding p in _outstanding)
            {
                if (p.Received || p.Sequence >= answered.Sequence) continue;
                p.SentAt = now;
                QueueRequest(p);
            }
        }

        private void WriteChunk(ManifestFile file, OtaChunk chunk, Outstanding o)
        {
            _slots.Write(_cursor.TargetSlot, file.Name, chunk.Offset, chunk.Data, 0, chunk.Data.Length);
            _writeOffset += chunk.Data.Length;
            _outstanding.Remove(o);
        }

        private Outstanding FindOutstanding(int offset)
        {
            foreach (Outstanding o in _outstanding) if (o.Offset == offset) return o;
            return null;
        }

        private void Stall()
        {
            _downloading = false;
            _outstanding.Clear();
            _ahead.Clear();
            _cursor.Stalls++;
            if (_cursor.Stalls >= _settings.MaxStalls)
            {
                Fail(OtaFailure.Format(OtaFailure.Stalled, "no chunks on " + _cursor.Stalls + " wakes in a row"));
                return;
            }
            SaveCursor();
            QueueProgress(StateStalled, BytesDone(), _manifest.TotalSize);
        }

        /// <summary>Every file is in: check the whole slot once more, then make it the trial and ask for the reboot.</summary>
        private void Install()
        {
            _downloading = false;
            string reason;
            FirmwareManifest m = _slotVerifier.Verify(_cursor.TargetSlot, out reason);
            if (m == null)
            {
                Fail(OtaFailure.Format(OtaFailure.VerifyFailed, reason));
                return;
            }
            if (m.SecurityVersion < _boot.SecurityFloor)
            {
                Fail(OtaFailure.Format(OtaFailure.BelowFloor, "security version " + m.SecurityVersion + ", floor " + _boot.SecurityFloor));
                return;
            }
            BootStateMachine.OnInstallComplete(_boot, _cursor.TargetSlot, m.Version.ToString(), m.SecurityVersion, _settings.TrialAttempts);
            _bootStore.Save(_boot);
            _cursor.Phase = OtaCursor.Installed;
            SaveCursor();
            QueueProgress(StateRebooting, m.TotalSize, m.TotalSize);
            _rebootRequested = true;
        }

        private void FailAfterException(Exception e)
        {
            _downloading = false;
            if (_cursor.Phase != OtaCursor.Downloading) return;
            try
            {
                Fail(OtaFailure.Format(OtaFailure.Storage, e.Message));
            }
            catch (Exception)
            {
                // The storage cannot even record the failure: the cursor on flash still says downloading,
                // and the next boot resumes or fails the download from there.
            }
        }

        private void Fail(string reason)
        {
            int target = _cursor.TargetSlot;
            _downloading = false;
            _outstanding.Clear();
            _ahead.Clear();
            RecordResult(_cursor.CampaignId, false, reason);
            if (target != BootState.NoSlot && target != _boot.ActiveSlot && target != _boot.TrialSlot) _slots.EraseSlot(target);
        }

        /// <summary>Ends the campaign for this device: the cursor goes idle remembering the outcome, and the result is queued.</summary>
        private void RecordResult(string campaignId, bool ok, string error)
        {
            _cursor.Phase = OtaCursor.Idle;
            _cursor.CampaignId = "";
            _cursor.ManifestDigest = new byte[0];
            _cursor.TargetSlot = BootState.NoSlot;
            _cursor.FileIndex = 0;
            _cursor.FileFailures = 0;
            _cursor.Stalls = 0;
            _cursor.LastCampaignId = campaignId;
            _cursor.LastOk = ok;
            _cursor.LastError = ok ? "" : error;
            _cursor.LastVersion = _settings.RunningVersion;
            _cursor.LastReported = false;
            SaveCursor();
            _lastResultRepeated = true;
            QueueResult(campaignId, ok, error);
        }

        // ---- messages and persistence ---------------------------------------------------------------

        private long BytesDone()
        {
            long done = _writeOffset;
            for (int i = 0; i < _cursor.FileIndex && i < _manifest.Files.Length; i++) done += _manifest.Files[i].Size;
            return done;
        }

        private void ReportProgress()
        {
            long total = _manifest.TotalSize;
            if (total <= 0) return;
            long done = BytesDone();
            int tenth = (int)(done * 10 / total);
            if (tenth <= _lastProgressTenth) return;
            _lastProgressTenth = tenth;
            QueueProgress(StateDownloading, done, total);
        }

        private void QueueRequest(Outstanding o)
        {
            o.Sequence = ++_requestSequence;
            var q = new OtaChunkRequest();
            q.CampaignId = _cursor.CampaignId;
            q.FileIndex = _cursor.FileIndex;
            q.Offset = o.Offset;
            q.Length = o.Length;
            _outbound.Add(new PendingPublish(_requestTopic, OtaMessages.EncodeRequest(q), false));
        }

        private void QueueProgress(string state, long done, long total)
        {
            string campaign = _cursor.Phase != OtaCursor.Idle ? _cursor.CampaignId : "";
            _outbound.Add(new PendingPublish(_progressTopic, OtaMessages.EncodeProgress(campaign, state, done, total), false));
        }

        private void QueueResult(string campaignId, bool ok, string error)
        {
            _resultQueued = true;
            _outbound.Add(new PendingPublish(_resultTopic, OtaMessages.EncodeResult(campaignId, ok, _settings.RunningVersion, error), false));
        }

        private OtaCursor LoadCursor()
        {
            byte[] stored = _cursorStore.Read();
            if (stored == null) return new OtaCursor();
            try
            {
                return OtaCursorCodec.Decode(stored);
            }
            catch (CborException)
            {
                return new OtaCursor();
            }
        }

        private void SaveCursor()
        {
            _cursorStore.Write(OtaCursorCodec.Encode(_cursor));
        }
    }
}

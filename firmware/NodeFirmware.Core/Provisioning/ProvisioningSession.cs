using System;
using System.Collections;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// The device side of the provisioning protocol, without I/O: the host (the device's UART loop or
    /// the virtual node) passes received bytes to <see cref="Receive"/> and sends what
    /// <see cref="TakeOutput"/> returns. Every request gets exactly one reply with the request's
    /// sequence; a request repeated with the same sequence, type and payload (a host retry) gets the
    /// same reply again without being carried out twice. Secrets in the bundle are never put in a reply.
    /// A committed identity is locked: PUT_BUNDLE and COMMIT are refused, and only a FACTORY_RESET signed by the
    /// release key of that identity over this session's challenge erases it (<see cref="FactoryResetAuthorization"/>).
    /// The host makes the challenge from fresh random bytes at every boot; it is used up by a successful reset.
    /// Given a random source, the device makes its own key on GENERATE_KEY (<see cref="DeviceKey"/>) and keeps it in RAM,
    /// pending, until a bundle without a key stores it with the certificate issued for it; the key is never sent.
    /// </summary>
    public class ProvisioningSession
    {
        private readonly IdentityStore _store;
        private readonly byte[] _mac;
        private readonly string _firmwareVersion;
        private readonly FrameDecoder _decoder;
        private readonly ArrayList _output = new ArrayList();

        private bool _haveLast;
        private int _lastSequence;
        private MessageType _lastType;
        private uint _lastPayloadCrc;
        private int _lastPayloadLength;
        private byte[] _lastReply;
        private string _identityFault;
        private byte[] _challenge;
        private bool _committedHere;
        private readonly Random _keyEntropy;
        private DeviceKey _pendingKey;
        private ISensorProbe _selfTestSensor;
        private IFlash _selfTestScratch;

        /// <summary>The fault text HELLO carries is cut to this many characters, like an ERROR's message.</summary>
        public const int MaxFaultLength = 200;

        public ProvisioningSession(IdentityStore store, byte[] mac, string firmwareVersion)
            : this(store, mac, firmwareVersion, ProvisioningProtocol.DefaultMaxPayload) { }

        public ProvisioningSession(IdentityStore store, byte[] mac, string firmwareVersion, int maxPayload)
            : this(store, mac, firmwareVersion, maxPayload, null) { }

        /// <param name="challenge">
        /// 16 fresh random bytes for this boot (never reused across boots), or null: then a committed identity
        /// cannot be reset in this session.
        /// </param>
        public ProvisioningSession(IdentityStore store, byte[] mac, string firmwareVersion, int maxPayload, byte[] challenge)
            : this(store, mac, firmwareVersion, maxPayload, challenge, null) { }

        /// <param name="keyEntropy">
        /// The source of the device's own key (GENERATE_KEY): on the device System.Random, which nanoCLR's ESP32 port
        /// serves from the hardware RNG, the same source as the challenge. Null: the device cannot make its key.
        /// </param>
        public ProvisioningSession(IdentityStore store, byte[] mac, string firmwareVersion, int maxPayload, byte[] challenge, Random keyEntropy)
        {
            _keyEntropy = keyEntropy;
            if (challenge != null && challenge.Length != FactoryResetAuthorization.NonceSize) throw new ArgumentException("a challenge has 16 bytes");
            _challenge = challenge == null ? null : (byte[])challenge.Clone();
            if (store == null) throw new ArgumentNullException("store");
            if (mac == null || mac.Length != ProvisioningProtocol.MacSize) throw new ArgumentException("a base MAC has 6 bytes");
            _store = store;
            _mac = (byte[])mac.Clone();
            _firmwareVersion = firmwareVersion == null ? "" : firmwareVersion;
            _decoder = new FrameDecoder(maxPayload);
            DeviceId = DeviceIdFormat.FromMac(_mac);
        }

        public string DeviceId { get; private set; }

        /// <summary>The store's state, or Corrupt while a fault reported by <see cref="ReportIdentityFault"/> stands.</summary>
        public IdentityState State
        {
            get
            {
                IdentityState stored = _store.State;
                return stored == IdentityState.Committed && _identityFault != null ? IdentityState.Corrupt : stored;
            }
        }

        /// <summary>Why the committed identity is unusable, as the host found at boot; null when it is not.</summary>
        public string IdentityFault { get { return _identityFault; } }

        /// <summary>
        /// Tells the session that the committed identity cannot be used (<see cref="BootIdentity"/>): HELLO then
        /// reports "corrupt" with the reason, and PUT_BUNDLE replaces the bundle without a FACTORY_RESET.
        /// </summary>
        public void ReportIdentityFault(string fault)
        {
            if (fault == null || fault.Length == 0) fault = "unusable identity";
            _identityFault = fault.Length > MaxFaultLength ? fault.Substring(0, MaxFaultLength) : fault;
        }

        /// <summary>
        /// Lets SELF_TEST check the board: the sensor through <paramref name="sensor"/>, storage on <paramref name="scratch"/>
        /// (a sector of the storage the journal uses, set aside for this: the test erases it), the identity in the store.
        /// </summary>
        public void EnableSelfTest(ISensorProbe sensor, IFlash scratch)
        {
            if (sensor == null) throw new ArgumentNullException("sensor");
            if (scratch == null) throw new ArgumentNullException("scratch");
            _selfTestSensor = sensor;
            _selfTestScratch = scratch;
        }

        /// <summary>Set once a Reboot request was answered; the host restarts the device after sending the output.</summary>
        public bool RebootRequested { get; private set; }

        /// <summary>Frames the decoder threw away (CRC, size, version); noise between frames is not counted.</summary>
        public int RejectedFrames { get; private set; }

        public int RequestsHandled { get; private set; }

        /// <summary>
        /// Set once a FACTORY_RESET erased the identity in this session. A device that opened the session as its
        /// boot-time window then stays in provisioning mode instead of running with the identity it read at boot.
        /// </summary>
        public bool ResetPerformed { get; private set; }

        public FrameDecoder Decoder { get { return _decoder; } }

        public void Receive(byte[] data, int offset, int count)
        {
            _decoder.Feed(data, offset, count);
            FrameDecodeResult result;
            while ((result = _decoder.Next()) != null)
            {
                if (result.IsFrame) Handle(result.Frame);
                else Rejected(result);
            }
        }

        /// <summary>
        /// Drops a partly received frame. Call it when the line has been quiet for a while (a second is
        /// plenty at 115200 baud) or a new host connects, so a host that stalled mid-frame cannot make
        /// the device swallow the next requests as that frame's payload.
        /// </summary>
        public void ResetInput()
        {
            _decoder.Reset();
        }

        /// <summary>
        /// The bytes to send; empty when there is nothing (never null: the device's serial loop writes what it gets,
        /// and a null after a garbage frame ended that loop with an exception; firmware/vectors/provisioning.vec).
        /// </summary>
        public byte[] TakeOutput()
        {
            if (_output.Count == 0) return new byte[0];
            int total = 0;
            for (int i = 0; i < _output.Count; i++) total += ((byte[])_output[i]).Length;
            var all = new byte[total];
            int at = 0;
            for (int i = 0; i < _output.Count; i++)
            {
                var part = (byte[])_output[i];
                Array.Copy(part, 0, all, at, part.Length);
                at += part.Length;
            }
            _output.Clear();
            return all;
        }

        private void Rejected(FrameDecodeResult result)
        {
            RejectedFrames++;
            if (!result.HeaderValid) return; // noise: there is no trustworthy sequence to answer
            ErrorCode code = result.Reason == FrameRejectReason.Oversized ? ErrorCode.PayloadTooLarge
                : result.Reason == FrameRejectReason.UnsupportedVersion ? ErrorCode.UnsupportedVersion
                : ErrorCode.BadFrame;
            Send(FrameEncoder.Encode(MessageType.Error, result.Sequence, new ErrorReply(code, result.Message).Encode()));
        }

        private void Handle(Frame request)
        {
            uint crc = Crc32.Compute(request.Payload, 0, request.Payload.Length);
            if (_haveLast && request.Sequence == _lastSequence && request.Type == _lastType
                && request.Payload.Length == _lastPayloadLength && crc == _lastPayloadCrc)
            {
                Send(_lastReply);
                return;
            }

            byte[] reply;
            try
            {
                reply = Dispatch(request);
            }
            catch (ProvisioningException e)
            {
                reply = FrameEncoder.Encode(MessageType.Error, request.Sequence, new ErrorReply(e.Code, e.Message).Encode());
            }
            catch (Exception e)
            {
                // The flash driver failed; the store still holds the previous record.
                _store.Invalidate();
                reply = FrameEncoder.Encode(MessageType.Error, request.Sequence,
                    new ErrorReply(ErrorCode.StorageFailed, "storage failed: " + e.Message).Encode());
            }
            RequestsHandled++;
            _haveLast = true;
            _lastSequence = request.Sequence;
            _lastType = request.Type;
            _lastPayloadCrc = crc;
            _lastPayloadLength = request.Payload.Length;
            _lastReply = reply;
            Send(reply);
        }

        private byte[] Dispatch(Frame request)
        {
            switch (request.Type)
            {
                case MessageType.Hello: return Reply(MessageType.HelloReply, request, Hello().Encode());
                case MessageType.PutBundle: return Reply(MessageType.Stored, request, PutBundle(request.Payload));
                case MessageType.Commit: Commit(request.Payload); return Reply(MessageType.Committed, request, null);
                case MessageType.Reboot:
                    RebootRequested = true;
                    return Reply(MessageType.Rebooting, request, null);
                case MessageType.FactoryReset: FactoryReset(request.Payload); return Reply(MessageType.ResetDone, request, null);
                case MessageType.GenerateKey: return Reply(MessageType.CertificateRequest, request, GenerateKey(request.Payload));
                case MessageType.SelfTest:
                    if (request.Payload.Length != 0) throw new ProvisioningException(ErrorCode.BadRequest, "SELF_TEST carries no payload");
                    if (_selfTestSensor == null) throw new ProvisioningException(ErrorCode.SelfTestUnavailable, "this firmware has no self-test");
                    return Reply(MessageType.SelfTestResult, request, SelfTest.Run(_selfTestSensor, _selfTestScratch, _store, DeviceId));
                default:
                    throw new ProvisioningException(ErrorCode.UnknownMessage, "message type 0x" + ((int)request.Type).ToString("x2") + " is not a request");
            }
        }

        private DeviceHello Hello()
        {
            var h = new DeviceHello();
            h.ProtocolVersion = ProvisioningProtocol.Version;
            h.Mac = (byte[])_mac.Clone();
            h.DeviceId = DeviceId;
            h.FirmwareVersion = _firmwareVersion;
            h.State = State;
            h.Fault = h.State == IdentityState.Corrupt ? _identityFault : null;
            h.MaxBundleSize = _store.MaxBundleSize;
            h.CanGenerateKey = _keyEntropy != null;
            if (h.State != IdentityState.Empty)
            {
                try
                {
                    ProvisioningBundle bundle = BundleCodec.Decode(_store.BundleBytes);
                    h.CertificateSha256 = Sha256.Hash(bundle.DeviceCertificate);
                    if (h.State == IdentityState.Committed)
                    {
                        h.ReleaseKeyId = ReleaseKey.KeyId(bundle.ReleasePublicKey);
                        h.Challenge = _challenge == null ? null : (byte[])_challenge.Clone();
                    }
                }
                catch (ProvisioningException)
                {
                    h.CertificateSha256 = null;
                }
            }
            return h;
        }

        private byte[] PutBundle(byte[] bundle)
        {
            if (State == IdentityState.Committed)
                throw new ProvisioningException(ErrorCode.AlreadyProvisioned, DeviceId + " is already provisioned; only a FACTORY_RESET signed with its release key erases the identity (HELLO carries the challenge)");
            if (bundle.Length > _store.MaxBundleSize)
                throw new ProvisioningException(ErrorCode.PayloadTooLarge, "bundle of " + bundle.Length + " bytes exceeds the " + _store.MaxBundleSize + " this device stores");
            ProvisioningBundle decoded = BundleCodec.Decode(bundle);
            if (decoded.DevicePrivateKey == null) bundle = WithPendingKey(decoded);
            else BundleValidator.Validate(decoded, DeviceId);
            byte[] readBack = _store.SaveStored(bundle);
            _identityFault = null;
            if (!Hex.SameBytes(readBack, bundle))
                throw new ProvisioningException(ErrorCode.StorageFailed, "the bundle read back from storage differs from the one received");
            return Sha256.Hash(readBack);
        }

        /// <summary>
        /// A bundle without a key takes the key this session generated: its certificate must be for that key. The bundle
        /// stored is the one received with the key added (PKCS#8), so the identity record has the form it always had.
        /// </summary>
        private byte[] WithPendingKey(ProvisioningBundle bundle)
        {
            if (_pendingKey == null)
                throw new ProvisioningException(ErrorCode.NoGeneratedKey, "the bundle carries no 'key' and this device generated none since it started; send GENERATE_KEY first");
            byte[] certificateKey = CredentialCheck.CertificatePublicKey(bundle.DeviceCertificate);
            if (certificateKey != null)
            {
                byte[] expected = new byte[_pendingKey.PublicKey.Length + 1];
                Array.Copy(_pendingKey.PublicKey, 0, expected, 1, _pendingKey.PublicKey.Length);
                if (!Hex.SameBytes(certificateKey, expected))
                    throw new ProvisioningException(ErrorCode.KeyMismatch, "the certificate is not for the key this device generated (public keys differ); ask for a certificate for the latest GENERATE_KEY's request");
            }
            bundle.DevicePrivateKey = _pendingKey.Pkcs8();
            BundleValidator.Validate(bundle, DeviceId); // a malformed certificate is reported here, as for any bundle
            byte[] complete = BundleCodec.Encode(bundle);
            if (complete.Length > _store.MaxBundleSize)
                throw new ProvisioningException(ErrorCode.PayloadTooLarge, "the bundle with this device's key is " + complete.Length + " bytes, over the " + _store.MaxBundleSize + " it stores");
            return complete;
        }

        /// <summary>A new key pair, pending until a bundle stores it; the reply is its certificate request. Replaces an earlier pending key.</summary>
        private byte[] GenerateKey(byte[] payload)
        {
            if (payload.Length != 0) throw new ProvisioningException(ErrorCode.BadRequest, "GENERATE_KEY carries no payload");
            if (State == IdentityState.Committed)
                throw new ProvisioningException(ErrorCode.AlreadyProvisioned, DeviceId + " is already provisioned; only a FACTORY_RESET signed with its release key erases the identity (HELLO carries the challenge)");
            if (_keyEntropy == null) throw new ProvisioningException(ErrorCode.KeyGenerationFailed, "this device has no random source to make a key with");
            DeviceKey key;
            try
            {
                key = DeviceKey.Generate(_keyEntropy);
            }
            catch (InvalidOperationException e)
            {
                throw new ProvisioningException(ErrorCode.KeyGenerationFailed, "no key made: " + e.Message);
            }
            byte[] request = CsrBuilder.Build(key, DeviceId);
            DropPendingKey();
            _pendingKey = key;
            return request;
        }

        private void DropPendingKey()
        {
            if (_pendingKey != null) _pendingKey.Destroy();
            _pendingKey = null;
        }

        private void Commit(byte[] expectedHash)
        {
            if (expectedHash.Length != ProvisioningProtocol.HashSize)
                throw new ProvisioningException(ErrorCode.BadRequest, "COMMIT carries the 32-byte SHA-256 of the stored bundle");
            IdentityState state = State;
            if (state == IdentityState.Empty) throw new ProvisioningException(ErrorCode.NothingStored, "no bundle stored to commit");
            if (state == IdentityState.Corrupt)
                throw new ProvisioningException(ErrorCode.BadBundle, "the stored identity is corrupt (" + _identityFault + "); send PUT_BUNDLE with a new one");
            byte[] stored = _store.BundleBytes;
            if (!Hex.SameBytes(Sha256.Hash(stored), expectedHash))
                throw new ProvisioningException(ErrorCode.HashMismatch, "COMMIT names a different bundle than the one stored");
            if (state == IdentityState.Committed)
            {
                // A retry of this session's own commit is harmless; an identity committed before this boot is locked.
                if (_committedHere) return;
                throw new ProvisioningException(ErrorCode.AlreadyProvisioned, DeviceId + " is already provisioned; nothing to commit");
            }
            _store.Commit();
            if (_store.State != IdentityState.Committed) throw new ProvisioningException(ErrorCode.StorageFailed, "the commit did not persist");
            _committedHere = true;
            DropPendingKey(); // it lives on in the committed bundle only
        }

        private void FactoryReset(byte[] payload)
        {
            if (State == IdentityState.Committed)
            {
                // Decodes: BootIdentity or this session's own COMMIT checked it.
                byte[] releaseKey = BundleCodec.Decode(_store.BundleBytes).ReleasePublicKey;
                FactoryResetAuthorization.Check(payload, DeviceId, _challenge, releaseKey);
                _challenge = null; // used up: the same signature cannot erase an identity committed after it
            }
            else
            {
                CheckToken(payload);
            }
            _store.Erase();
            DropPendingKey();
            _identityFault = null;
            _committedHere = false;
            if (_store.State != IdentityState.Empty) throw new ProvisioningException(ErrorCode.StorageFailed, "the erase did not persist");
            ResetPerformed = true;
        }

        /// <summary>Without a committed identity there is nothing to protect; the token only makes the operator name the board.</summary>
        private void CheckToken(byte[] token)
        {
            string expected = "RESET " + DeviceId;
            string given;
            try
            {
                given = Utf8.GetString(token, 0, token.Length);
            }
            catch (FormatException)
            {
                given = null;
            }
            if (given != expected)
                throw new ProvisioningException(ErrorCode.BadToken, DeviceId + " holds no committed identity; the confirmation token must be \"RESET " + DeviceId + "\"");
        }

        private static byte[] Reply(MessageType type, Frame request, byte[] payload)
        {
            return FrameEncoder.Encode(type, request.Sequence, payload);
        }

        private void Send(byte[] frame)
        {
            _output.Add(frame);
        }
    }
}

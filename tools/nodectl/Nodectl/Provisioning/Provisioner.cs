using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Ca;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// One device, start to finish: HELLO, device id from the reported MAC (checked against the expected
/// MAC), a fresh P-256 key pair and certificate, the bundle, PUT_BUNDLE, the returned hash checked
/// against the local one, COMMIT, an audit record, registration with the receiver. A board that is already
/// provisioned is erased only with --factory-reset, by a FACTORY_RESET signed with the release key; the
/// certificates this store issued to it are then revoked (audit "revoke") before the new one is issued. Every run that
/// reaches a device leaves exactly one "provision" audit record saying how far it got; registration
/// adds a "register" record. Secrets (device key, Wi-Fi passphrase) only ever travel in the bundle.
/// With <see cref="ProvisionSettings.KeyOnDevice"/> the device makes its own key (GENERATE_KEY): the CA certifies the key in
/// its certificate request after checking the request (<see cref="DeviceCsr"/>), and the bundle carries no key.
/// </summary>
public sealed class Provisioner
{
    private readonly PkiStore _pki;
    private readonly FleetCa _ca;
    private readonly AuditLog _audit;
    private readonly IDeviceRegistry? _registry;
    private readonly TextWriter _log;

    public Provisioner(PkiStore pki, FleetCa ca, AuditLog audit, IDeviceRegistry? registry, TextWriter? log = null)
    {
        _pki = pki;
        _ca = ca;
        _audit = audit;
        _registry = registry;
        _log = log ?? TextWriter.Null;
    }

    public ProvisionResult Provision(ProvisioningClient device, ProvisionSettings settings)
    {
        var run = new Run(settings);

        // 1. Who is it?
        DeviceHello hello;
        try
        {
            hello = settings.KnockFor is { } window ? device.Knock(window) : device.Hello();
        }
        catch (BoardNotReadyException e)
        {
            throw Fail(run, "hello", $"{e.Message}; nothing was issued", e);
        }
        catch (ProvisioningLinkException e)
        {
            throw Fail(run, "hello", $"no answer to HELLO: {e.Message}; nothing was issued"
                + (settings.KnockFor is null ? " (a provisioned board answers only in its re-entry window, the seconds after a power-on or reset)" : ""), e);
        }
        if (hello.ProtocolVersion != ProvisioningProtocol.Version)
            throw Fail(run, "hello", $"the device speaks provisioning protocol {hello.ProtocolVersion}, this nodectl {ProvisioningProtocol.Version}; nothing was issued");
        run.DeviceId = DeviceIdentity.FromMac(hello.Mac);
        if (hello.DeviceId != run.DeviceId)
            throw Fail(run, "hello", $"the device calls itself {hello.DeviceId} but its MAC {FormatMac(hello.Mac)} makes it {run.DeviceId}; nothing was issued");
        if (settings.ExpectedMac is not null && !settings.ExpectedMac.AsSpan().SequenceEqual(hello.Mac))
            throw Fail(run, "hello", $"the device reports MAC {FormatMac(hello.Mac)} but the expected MAC is {FormatMac(settings.ExpectedMac)} (wrong board on this port?); nothing was issued");
        _log.WriteLine($"{run.DeviceId}: firmware {hello.FirmwareVersion}, identity {DeviceHello.StateName(hello.State)}");

        // 2. Already provisioned? A corrupt identity is not: the device accepts a new bundle over it.
        if (hello.State == IdentityState.Corrupt)
        {
            run.ReplacedFault = hello.Fault ?? "unusable identity";
            _log.WriteLine($"{run.DeviceId}: the stored identity is corrupt ({run.ReplacedFault}); a new one replaces it");
        }
        else if (hello.State == IdentityState.Committed)
        {
            if (!settings.FactoryReset)
            {
                var resumed = TryResume(run, hello, settings);
                if (resumed is not null) return resumed;
                throw Fail(run, "hello", $"the board already holds an identity, with a certificate this PKI store did not issue to it; nothing was issued. To give it a new identity, run this command again with --factory-reset (the old certificate should then be revoked)");
            }
            EraseIdentity(device, run, hello, settings);
        }

        // 3. Check the settings with the device's own rules before anything is issued (a throwaway key and
        //    self-signed certificate stand in for the real ones, which the same rules check on the device).
        try
        {
            using var placeholderKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var dryRun = BuildBundle(run.DeviceId, settings, PlaceholderCertificate(run.DeviceId, placeholderKey), placeholderKey.ExportPkcs8PrivateKey());
            BundleValidator.Validate(BundleCodec.Decode(BundleCodec.Encode(dryRun)), run.DeviceId);
        }
        catch (ProvisioningException e)
        {
            throw Fail(run, "settings", $"the device would refuse these settings: {e.Message}; nothing was issued", e);
        }

        if (settings.KeyOnDevice) return ProvisionKeyOnDevice(device, run, hello, settings);

        // 4. Key pair and certificate.
        IssuedCredential credential;
        try
        {
            credential = _pki.IssueDevice(_ca, run.DeviceId, keepKey: false, settings.CertificateValidity);
        }
        catch (Exception e) when (e is PkiException or CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw Fail(run, "issue", $"could not issue the certificate: {e.Message}; nothing was sent to the device", e);
        }
        using (credential)
        {
            var certificate = credential.Certificate;
            run.CertSerial = certificate.SerialNumber;
            run.CertSha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
            byte[] privateKey = credential.PrivateKey.ExportPkcs8PrivateKey();
            byte[] bundle;
            try
            {
                bundle = BundleCodec.Encode(BuildBundle(run.DeviceId, settings, certificate.RawData, privateKey));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
            try
            {
                run.BundleSha256 = Convert.ToHexStringLower(SHA256.HashData(bundle));
                return StoreAndCommit(device, run, hello, settings, bundle);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bundle);
            }
        }
    }

    /// <summary>4'. The device's own key: GENERATE_KEY, the request checked, the key certified, a bundle without a key.</summary>
    private ProvisionResult ProvisionKeyOnDevice(ProvisioningClient device, Run run, DeviceHello hello, ProvisionSettings settings)
    {
        run.KeyMadeOn = ProvisionResult.Device;
        if (!hello.CanGenerateKey)
            throw Fail(run, "keygen", $"firmware {hello.FirmwareVersion} does not make its own key (its HELLO has no \"gen\"); flash a firmware that does, or provision with the key made here (without --key-on-device); nothing was issued");
        byte[] request;
        try
        {
            request = device.GenerateKey();
        }
        catch (ProvisioningLinkException e)
        {
            throw Fail(run, "keygen", $"the device made no key: {e.Message}; nothing was issued", e);
        }
        var publicKey = DeviceCsr.Check(request, run.DeviceId!, out string? problem);
        if (publicKey is null) throw Fail(run, "keygen", $"the CA refuses the device's certificate request: {problem}; nothing was issued");
        _log.WriteLine($"{run.DeviceId}: made its own P-256 key; certificate request verified ({request.Length} bytes)");

        X509Certificate2 certificate;
        try
        {
            certificate = _pki.IssueDevice(_ca, run.DeviceId!, publicKey, settings.CertificateValidity);
        }
        catch (Exception e) when (e is PkiException or CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw Fail(run, "issue", $"could not issue the certificate: {e.Message}; nothing was sent to the device", e);
        }
        using (certificate)
        {
            run.CertSerial = certificate.SerialNumber;
            run.CertSha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
            byte[] bundle = BundleCodec.Encode(BuildBundle(run.DeviceId!, settings, certificate.RawData, null));
            return StoreAndCommit(device, run, hello, settings, bundle);
        }
    }

    private ProvisionResult StoreAndCommit(ProvisioningClient device, Run run, DeviceHello hello, ProvisionSettings settings, byte[] bundle)
    {
        string issued = $"certificate {run.CertSerial} was issued";
        if (bundle.Length > hello.MaxBundleSize)
            throw Fail(run, "store", $"{issued} but the bundle of {bundle.Length} bytes exceeds the {hello.MaxBundleSize} bytes the device stores; not sent");

        // 5. Store, and check the device holds exactly what was sent.
        byte[] deviceHash;
        try
        {
            deviceHash = device.PutBundle(bundle);
        }
        catch (ProvisioningLinkException e)
        {
            throw Fail(run, "store", $"{issued} but the device did not confirm storing it: {e.Message}; it holds no committed identity. Re-run to provision (a new certificate is issued)", e);
        }
        if (run.KeyMadeOn == ProvisionResult.Device)
        {
            // The device stored the bundle with its own key added, which only it can hash; it compared what it read back.
            run.BundleSha256 = Convert.ToHexStringLower(deviceHash);
        }
        else
        {
            byte[] localHash = SHA256.HashData(bundle);
            if (!CryptographicOperations.FixedTimeEquals(deviceHash, localHash))
                throw Fail(run, "verify", $"{issued} but the device reports bundle hash {Convert.ToHexStringLower(deviceHash)}, expected {run.BundleSha256}: it did not store the bundle intact; not committed. Re-run to provision");
        }

        // 6. Commit.
        try
        {
            device.Commit(deviceHash);
        }
        catch (ProvisioningLinkException e)
        {
            throw Fail(run, "commit", $"{issued} and stored, but the commit was not confirmed: {e.Message}. Re-run: if the device committed, the run completes without a new certificate", e);
        }
        string committed = run.ReplacedFault is not null ? "committed on the device, replacing a corrupt identity: " + run.ReplacedFault
            : run.ResetNote is not null ? "committed on the device, " + run.ResetNote : "committed on the device";
        _audit.Append(run.Entry("ok", null, committed + (run.KeyMadeOn == ProvisionResult.Device ? "; the device made its own key" : "")));
        _log.WriteLine($"{run.DeviceId}: committed, certificate serial {run.CertSerial}");

        var (registered, problem) = RegisterIfAsked(run, settings);
        if (settings.RebootWhenDone) TryReboot(device, run.DeviceId!);
        return new ProvisionResult(run.DeviceId!, ProvisionOutcome.Provisioned, run.CertSerial!, run.CertSha256!, run.BundleSha256, registered, problem, run.KeyMadeOn);
    }

    /// <summary>
    /// Erases the board's committed identity with a FACTORY_RESET signed by the release key over the challenge in its
    /// HELLO, then revokes the erased certificate's line in this store (before a new one is issued, which the
    /// revocation would otherwise include). A refusal by the board changes nothing, here or there.
    /// </summary>
    private void EraseIdentity(ProvisioningClient device, Run run, DeviceHello hello, ProvisionSettings settings)
    {
        var signer = settings.ResetSigner
            ?? throw Fail(run, "reset", $"{run.DeviceId} is provisioned: --factory-reset needs the release key (--release-key) to sign the reset; nothing was erased or issued");
        if (hello.Challenge is null)
            throw Fail(run, "reset", "the device offers no reset challenge (its firmware predates the signed factory reset, or this boot's challenge was used up): reset the board and run again; nothing was erased or issued");
        try
        {
            device.FactoryReset(signer.Sign(run.DeviceId!, hello.Challenge));
        }
        catch (DeviceRefusedException e)
        {
            string keys = hello.ReleaseKeyId is { } trusted && !trusted.AsSpan().SequenceEqual(signer.KeyId)
                ? $" (the board trusts release key {Convert.ToHexStringLower(trusted)}, --release-key is {Convert.ToHexStringLower(signer.KeyId)})" : "";
            throw Fail(run, "reset", $"the device refused the factory reset: {e.Code} ({e.DeviceMessage}){keys}; nothing was erased or issued", e);
        }
        catch (ProvisioningLinkException e)
        {
            throw Fail(run, "reset", $"factory reset failed: {e.Message}; the old identity may still be in place; nothing was issued", e);
        }
        _log.WriteLine($"{run.DeviceId}: factory reset signed with release key {Convert.ToHexStringLower(signer.KeyId)}, old identity erased");
        RevokeErased(run, hello);
    }

    private void RevokeErased(Run run, DeviceHello hello)
    {
        string id = run.DeviceId!;
        string? erased = hello.CertificateSha256 is null ? null : Convert.ToHexStringLower(hello.CertificateSha256);
        string? serial = erased is null ? null : DeviceRevoker.CertificateDigests(_pki, id).FirstOrDefault(d => d.Value == erased).Key;
        if (serial is null)
        {
            run.ResetNote = $"replacing an identity erased by a signed factory reset whose certificate (sha256 {erased ?? "unknown"}) this store did not issue: revoke it where it was issued";
            _log.WriteLine($"{id}: the erased certificate was not issued by this store; revoke it where it was issued");
            return;
        }
        try
        {
            var revocation = DeviceRevoker.Revoke(_pki, _ca, _audit, id, X509RevocationReason.Superseded,
                $"board factory-reset by nodectl provision: its identity (certificate serial {serial}) was erased and is replaced");
            run.ResetNote = $"replacing an identity erased by a signed factory reset; revoked {DeviceRevoker.Describe(revocation)}, CRL number {revocation.CrlNumber}";
            _log.WriteLine($"{id}: revoked {DeviceRevoker.Describe(revocation)}; wrote CRL number {revocation.CrlNumber}: reload the broker so it refuses them (tools/receiver/broker/reload-broker.sh <run-dir>)");
        }
        catch (Exception e) when (e is PkiException or AuditException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw Fail(run, "revoke", $"the board's identity was erased, but revoking its old certificate {serial} failed: {e.Message}; nothing was issued. "
                + $"Revoke it (nodectl ca revoke {id} --dir {_pki.Root}), then run provision again: the board has no identity now", e);
        }
    }

    /// <summary>The device holds the certificate this store issued to it: an earlier run lost its last reply. Finish that run.</summary>
    private ProvisionResult? TryResume(Run run, DeviceHello hello, ProvisionSettings settings)
    {
        using var local = _pki.LoadDeviceCertificate(run.DeviceId!);
        if (local is null || hello.CertificateSha256 is null) return null;
        if (!SHA256.HashData(local.RawData).AsSpan().SequenceEqual(hello.CertificateSha256)) return null;
        run.CertSerial = local.SerialNumber;
        run.CertSha256 = Convert.ToHexStringLower(hello.CertificateSha256);
        _audit.Append(run.Entry("ok", null, "already provisioned with this store's certificate; nothing issued"));
        _log.WriteLine($"{run.DeviceId}: already provisioned with certificate serial {run.CertSerial}; nothing issued");
        var (registered, problem) = RegisterIfAsked(run, settings);
        return new ProvisionResult(run.DeviceId!, ProvisionOutcome.AlreadyProvisioned, run.CertSerial, run.CertSha256, null, registered, problem, KeyMadeOn: null);
    }

    private (bool Registered, string? Problem) RegisterIfAsked(Run run, ProvisionSettings settings)
    {
        if (_registry is null) return (false, null);
        var registration = new DeviceRegistration(run.DeviceId!, run.CertSerial!, settings.Tags, settings.Board);
        string? problem = DeviceRegistrar.Register(_registry, _audit, registration, run.CertSha256!,
            $"Register it with: nodectl register --device {run.DeviceId} --ca-dir {_pki.Root} --receiver {_registry.Name}", _log);
        return (problem is null, problem);
    }

    private void TryReboot(ProvisioningClient device, string deviceId)
    {
        try
        {
            device.Reboot();
        }
        catch (ProvisioningLinkException e)
        {
            _log.WriteLine($"{deviceId}: the reboot request was not confirmed ({e.Message}); power-cycle the board");
        }
    }

    private ProvisioningFailedException Fail(Run run, string stage, string message, Exception? inner = null)
    {
        var entry = run.Entry("failed", stage, message);
        try
        {
            _audit.Append(entry);
        }
        catch (AuditException e)
        {
            message += $" (and the audit record could not be written: {e.Message})";
        }
        return new ProvisioningFailedException(stage, run.DeviceId, (run.DeviceId is null ? "" : run.DeviceId + ": ") + message, inner);
    }

    private ProvisioningBundle BuildBundle(string deviceId, ProvisionSettings s, byte[] certificate, byte[]? privateKey) => new()
    {
        DeviceId = deviceId,
        DeviceCertificate = certificate,
        DevicePrivateKey = privateKey,
        CaCertificate = _ca.Certificate.RawData,
        BrokerHost = s.BrokerHost,
        BrokerPort = s.BrokerPort,
        WifiSsid = s.WifiSsid,
        WifiPassphrase = s.WifiPassphrase,
        ReleasePublicKey = s.ReleasePublicKey,
        ConfigOverrides = s.ConfigOverrides,
    };

    private static byte[] PlaceholderCertificate(string deviceId, ECDsa key)
    {
        var request = new CertificateRequest("CN=" + deviceId, key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
    }

    private static string FormatMac(byte[] mac) => string.Join(':', mac.Select(b => b.ToString("x2")));

    /// <summary>What one run has learnt so far, for its audit record.</summary>
    private sealed class Run(ProvisionSettings settings)
    {
        public string? DeviceId;
        public string? CertSerial;
        public string? ReplacedFault;
        public string? ResetNote;
        public string? CertSha256;
        public string? BundleSha256;
        public string KeyMadeOn = ProvisionResult.Host;

        public AuditEntry Entry(string result, string? stage, string detail, string action = "provision") => new()
        {
            Action = action,
            Device = DeviceId,
            CertSerial = CertSerial,
            CertSha256 = CertSha256,
            BundleSha256 = action == "provision" ? BundleSha256 : null,
            Result = result,
            Stage = stage,
            Detail = detail,
            Board = settings.Board,
            Tags = settings.Tags,
        };
    }
}

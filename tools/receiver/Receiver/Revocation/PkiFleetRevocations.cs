using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Revocation;

/// <summary>
/// Revocation through HostCommon's <see cref="PkiStore"/>, the same code `nodectl ca revoke` runs: every certificate of
/// the device onto revoked.tsv, a new crl.pem, under the store's update lock.
/// </summary>
public sealed class PkiFleetRevocations(string pkiDirectory, Func<string> passphrase) : IFleetRevocations
{
    private readonly PkiStore _store = new(pkiDirectory);
    private readonly object _gate = new();
    private (DateTime Written, long Length) _seen = (DateTime.MinValue, -1);
    private RevokedSerials _current = RevokedSerials.Empty;

    public bool IsConfigured => true;

    public string Directory => _store.Root;

    public RevokedSerials Current()
    {
        var file = new FileInfo(_store.RevokedListPath);
        var stamp = file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1L);
        lock (_gate)
        {
            if (stamp != _seen)
            {
                // revoked.tsv is replaced by a rename, so a read sees the old or the new list, never half of one.
                _current = new RevokedSerials(_store.LoadRevoked());
                _seen = stamp;
            }
            return _current;
        }
    }

    public DateTimeOffset? RevokedAt(DeviceRecord device, RevokedSerials current)
    {
        if (device.CertSerial is { } serial) return current.RevokedAt(serial);
        if (!DeviceIdentity.IsValid(device.Id)) return null;
        var certificates = _store.LoadDeviceCertificates(device.Id);
        try
        {
            if (certificates.Count == 0) return current.RevokedAtBySubject("CN=" + device.Id);
            var times = certificates.Select(c => current.RevokedAt(c.SerialNumber)).ToList();
            return times.All(t => t is not null) ? times.Max() : null;
        }
        finally
        {
            foreach (var c in certificates) c.Dispose();
        }
    }

    public bool IssuedTo(string deviceId, string serialHex) => DeviceIdentity.IsValid(deviceId) && _store.IssuedTo(deviceId, serialHex);

    public bool HasCertificates(string deviceId)
    {
        if (!DeviceIdentity.IsValid(deviceId)) return false;
        var certificates = _store.LoadDeviceCertificates(deviceId);
        foreach (var c in certificates) c.Dispose();
        return certificates.Count > 0;
    }

    public Task<DeviceRevocation> RevokeDeviceAsync(string deviceId, string? registeredSerial, CancellationToken ct) => Task.Run(() =>
    {
        using var ca = _store.OpenCa(passphrase());
        return _store.RevokeDeviceAndPublish(ca, deviceId, X509RevocationReason.Unspecified, registeredSerial is null ? [] : [registeredSerial]);
    }, ct);

    /// <summary>Opens the CA once: a receiver that could not sign a CRL refuses to start instead of failing its first revocation.</summary>
    public void Check()
    {
        if (!_store.HasCa) throw new PkiException($"no fleet CA in {_store.CaDirectory} (--pki {_store.Root}): create it with nodectl ca init --dir {_store.Root} --name <fleet>");
        using var ca = _store.OpenCa(passphrase());
    }

    /// <summary>The passphrase: --ca-passphrase-file, else NODEFIRMWARE_CA_PASSPHRASE, the variable nodectl reads too.</summary>
    public static Func<string> Passphrase(string? file, Func<string, string?>? environment = null)
    {
        if (!string.IsNullOrWhiteSpace(file))
            return () => File.Exists(file)
                ? File.ReadAllText(file).TrimEnd('\r', '\n')
                : throw new PkiException($"the CA passphrase file '{file}' (--ca-passphrase-file) does not exist");
        return () => CaPassphrase.FromEnvironment(environment)
                     ?? throw new PkiException($"the receiver has a PKI store (--pki) but no CA passphrase to sign CRLs with: " +
                                               $"set {CaPassphrase.EnvironmentVariable} (the variable nodectl reads) or give --ca-passphrase-file <file>");
    }
}

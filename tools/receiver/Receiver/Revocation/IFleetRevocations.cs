using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Revocation;

/// <summary>
/// The fleet's record of revocation: the PKI store's revoked.tsv, from which the CRL the broker enforces is made. It is
/// the one truth: the receiver does not keep a revoked flag of its own but reads a device's state from this list
/// (<see cref="RevocationAwareStore"/>), so a revocation by `nodectl ca revoke` and one through the API end in the
/// same place, and a device re-provisioned with a new certificate is active again (docs/receiver.md, "Revocation").
/// </summary>
public interface IFleetRevocations
{
    /// <summary>False when this receiver has no PKI store (--pki): it can then neither revoke nor see revocations.</summary>
    bool IsConfigured { get; }

    /// <summary>The revoked serials now; cheap to call often (the list is re-read only when it changed).</summary>
    RevokedSerials Current();

    /// <summary>
    /// When the device was revoked, or null while it is active: its registered certificate is on the list; or, for a
    /// device that reports without a registered serial, every certificate the store issued it is.
    /// </summary>
    DateTimeOffset? RevokedAt(DeviceRecord device, RevokedSerials current);

    /// <summary>Whether the fleet CA issued the certificate with this serial to this device (the store's history).</summary>
    bool IssuedTo(string deviceId, string serialHex);

    /// <summary>Whether the store holds any certificate of the device.</summary>
    bool HasCertificates(string deviceId);

    /// <summary>
    /// Revokes every certificate the store issued to the device and <paramref name="registeredSerial"/>, then writes
    /// the CRL. Opens the CA first, so a missing or wrong passphrase changes nothing.
    /// </summary>
    /// <exception cref="PkiException">Nothing to revoke, or the store or CA cannot be used.</exception>
    Task<DeviceRevocation> RevokeDeviceAsync(string deviceId, string? registeredSerial, CancellationToken ct);
}

/// <summary>A receiver without a PKI store.</summary>
public sealed class NoFleetRevocations : IFleetRevocations
{
    public bool IsConfigured => false;
    public RevokedSerials Current() => RevokedSerials.Empty;
    public DateTimeOffset? RevokedAt(DeviceRecord device, RevokedSerials current) => device.RevokedAt;
    public bool IssuedTo(string deviceId, string serialHex) => false;
    public bool HasCertificates(string deviceId) => false;

    public Task<DeviceRevocation> RevokeDeviceAsync(string deviceId, string? registeredSerial, CancellationToken ct) =>
        throw new InvalidOperationException("this receiver has no PKI store");
}

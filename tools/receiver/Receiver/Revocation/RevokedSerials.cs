using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Revocation;

/// <summary>The revoked certificates at one moment, and what they mean for a device of the registry.</summary>
public sealed class RevokedSerials
{
    public static readonly RevokedSerials Empty = new([]);

    private readonly Dictionary<string, DateTimeOffset> _bySerial = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _bySubject = new(StringComparer.Ordinal);

    public RevokedSerials(IEnumerable<RevokedCertificate> entries)
    {
        foreach (var e in entries)
        {
            _bySerial.TryAdd(e.SerialHex, e.RevokedAt);
            if (e.Subject.Length > 0) _bySubject.TryAdd(e.Subject, e.RevokedAt);
        }
    }

    public int Count => _bySerial.Count;

    public bool IsRevoked(string serialHex) => _bySerial.ContainsKey(RevokedCertificate.NormalizeSerial(serialHex));

    /// <summary>
    /// When the device's registered certificate was revoked, or null while it is valid. A device registered without a
    /// serial counts as revoked once a certificate with its CN is (every revocation revokes all of a device's).
    /// </summary>
    public DateTimeOffset? RevokedAt(DeviceRecord device) =>
        device.CertSerial is { } serial
            ? _bySerial.TryGetValue(RevokedCertificate.NormalizeSerial(serial), out var at) ? at : null
            : _bySubject.TryGetValue("CN=" + device.Id, out var bySubject) ? bySubject : null;
}

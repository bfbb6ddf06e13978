using NodeFirmware.HostCommon.Pki;

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

    public bool IsRevoked(string serialHex) => _bySerial.ContainsKey(RevokedCertificate.NormalizeSerial(serialHex));

    /// <summary>When the certificate with this serial was revoked; null while it is valid.</summary>
    public DateTimeOffset? RevokedAt(string serialHex) =>
        _bySerial.TryGetValue(RevokedCertificate.NormalizeSerial(serialHex), out var at) ? at : null;

    /// <summary>When a certificate with this subject (e.g. "CN=esp32-...") was first revoked; null if none was.</summary>
    public DateTimeOffset? RevokedAtBySubject(string subject) => _bySubject.TryGetValue(subject, out var at) ? at : null;
}

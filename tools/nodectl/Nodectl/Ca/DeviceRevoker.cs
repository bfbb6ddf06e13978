using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;

namespace NodeFirmware.Nodectl.Ca;

/// <summary>
/// The revocation shared by <c>nodectl ca revoke</c> and <c>nodectl station</c>: every certificate the store issued to
/// the device goes on the revocation list, a new CRL is written, and each certificate gets one "revoke" audit record.
/// </summary>
public static class DeviceRevoker
{
    /// <summary>Serial (hex) to SHA-256 of every certificate the store issued to the device; empty when none.</summary>
    public static Dictionary<string, string> CertificateDigests(PkiStore store, string deviceId)
    {
        var certificates = store.LoadDeviceCertificates(deviceId);
        try { return certificates.ToDictionary(c => c.SerialNumber, c => Convert.ToHexStringLower(SHA256.HashData(c.RawData))); }
        finally { foreach (var c in certificates) c.Dispose(); }
    }

    /// <summary>Revokes and records; <paramref name="why"/> (may be null) is added to each audit record's detail.</summary>
    public static DeviceRevocation Revoke(PkiStore store, FleetCa ca, AuditLog log, string deviceId, X509RevocationReason reason,
        IReadOnlyDictionary<string, string> digests, string? why = null)
    {
        var revocation = store.RevokeDeviceAndPublish(ca, deviceId, reason);
        foreach (var entry in revocation.Certificates)
        {
            bool now = revocation.NewlyRevoked.Contains(entry);
            log.Append(new AuditEntry
            {
                Action = "revoke",
                Device = deviceId,
                CertSerial = entry.SerialHex,
                CertSha256 = digests.GetValueOrDefault(entry.SerialHex),
                Result = "ok",
                Detail = (now ? $"reason {entry.Reason}" : $"already revoked {entry.RevokedAt:u}, reason {entry.Reason}") + $", CRL number {revocation.CrlNumber}"
                         + (why is null ? "" : "; " + why),
            });
        }
        return revocation;
    }

    public static string Describe(DeviceRevocation r)
    {
        var serials = string.Join(", ", r.Certificates.Select(c => "serial " + c.SerialHex));
        int already = r.Certificates.Count - r.NewlyRevoked.Count;
        return $"{r.Certificates.Count} certificate(s) ({serials})" + (already > 0 ? $", {already} of them revoked before" : "");
    }
}

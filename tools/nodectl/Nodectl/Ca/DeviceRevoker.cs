using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;

namespace NodeFirmware.Nodectl.Ca;

/// <summary>
/// Revokes every certificate the store issued to a device, writes the new CRL and records one "revoke" audit entry
/// per certificate: what <c>nodectl ca revoke</c> does, and what <c>nodectl provision --factory-reset</c> does to a
/// board whose erased identity came from this store.
/// </summary>
public static class DeviceRevoker
{
    /// <summary>SHA-256 (hex) of each certificate the store issued to the device, by serial.</summary>
    public static Dictionary<string, string> CertificateDigests(PkiStore store, string deviceId)
    {
        var certificates = store.LoadDeviceCertificates(deviceId);
        try { return certificates.ToDictionary(c => c.SerialNumber, c => Convert.ToHexStringLower(SHA256.HashData(c.RawData))); }
        finally { foreach (var c in certificates) c.Dispose(); }
    }

    /// <param name="why">Put before each audit record's detail (e.g. what led to the revocation); null for none.</param>
    public static DeviceRevocation Revoke(PkiStore store, FleetCa ca, AuditLog log, string deviceId, X509RevocationReason reason, string? why = null)
    {
        var digests = CertificateDigests(store, deviceId);
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
                Detail = (why is null ? "" : why + "; ")
                    + (now ? $"reason {entry.Reason}" : $"already revoked {entry.RevokedAt:u}, reason {entry.Reason}") + $", CRL number {revocation.CrlNumber}",
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

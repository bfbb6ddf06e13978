using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// The store's record of revoked serials, one tab-separated line each:
/// serial-hex, revoked-at (ISO 8601 UTC), reason (X509RevocationReason name), subject.
/// It is the source the CRL is rebuilt from; lines starting with # are comments.
/// </summary>
public static class RevocationList
{
    public static IReadOnlyList<RevokedCertificate> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var entries = new List<RevokedCertificate>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('\t');
            if (f.Length < 3
                || !DateTimeOffset.TryParse(f[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                || !Enum.TryParse<X509RevocationReason>(f[2], out var reason))
                throw new PkiException($"{path}:{lineNo}: expected 'serial<TAB>revoked-at<TAB>reason<TAB>subject', got '{line}'");
            string serial;
            try { serial = RevokedCertificate.NormalizeSerial(f[0]); }
            catch (ArgumentException e) { throw new PkiException($"{path}:{lineNo}: {e.Message}", e); }
            entries.Add(new RevokedCertificate(serial, at, reason, f.Length > 3 ? f[3] : ""));
        }
        return entries;
    }

    public static void Write(string path, IEnumerable<RevokedCertificate> entries)
    {
        var lines = new List<string> { "# serial\trevoked-at\treason\tsubject" };
        lines.AddRange(entries.Select(e => string.Join('\t',
            e.SerialHex, e.RevokedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), e.Reason, e.Subject.Replace('\t', ' '))));
        SecretFile.WritePublic(path, string.Join('\n', lines) + "\n");
    }
}

using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.Receiver.Api;

/// <summary>Revokes through HostCommon's PKI store: records the serial in revoked.tsv, then signs and writes crl.pem.</summary>
public sealed class PkiCrlPublisher(string pkiDirectory, Func<string> passphrase) : ICrlPublisher
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<bool> RevokeAsync(string serialHex, string subject, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            var store = new PkiStore(pkiDirectory);
            store.RevokeSerial(serialHex, X509RevocationReason.Unspecified, subject);
            using var ca = store.OpenCa(passphrase());
            store.WriteCrl(ca);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    public static Func<string> PassphraseFromFile(string path) => () =>
    {
        if (!File.Exists(path)) throw new InvalidOperationException($"CA passphrase file '{path}' does not exist");
        return File.ReadAllText(path).TrimEnd('\r', '\n');
    };
}

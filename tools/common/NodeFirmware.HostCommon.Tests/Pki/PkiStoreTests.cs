using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Pki;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PkiStoreTests
{
    private const string Passphrase = "correct horse battery staple";

    private static (TempDirectory Dir, PkiStore Store, FleetCa Ca) NewStore()
    {
        var dir = new TempDirectory();
        var store = new PkiStore(dir.Combine("pki"));
        var ca = store.CreateCa("store-tests", Passphrase, kdfIterations: 100_000);
        return (dir, store, ca);
    }

    private static bool CrlLists(byte[] crlDer, byte[] serial, out BigInteger number)
    {
        var builder = CertificateRevocationListBuilder.Load(crlDer, out number);
        return builder.RemoveEntry(serial);
    }

    private static byte[] ReadCrlDer(PkiStore store)
    {
        var pem = File.ReadAllText(store.CrlPath);
        var fields = PemEncoding.Find(pem);
        Assert.Equal("X509 CRL", pem[fields.Label]);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    [Fact]
    public void Layout_matches_the_documented_one()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        using var device = store.IssueDevice(ca, "esp32-0011223344ff", keepKey: true);
        using var receiver = store.IssueService(ca, "receiver");
        using var broker = store.IssueBroker(ca);
        var files = Directory.GetFiles(store.Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(store.Root, f)).Order().ToArray();
        Assert.Equal(new[]
        {
            "broker/server.crt", "broker/server.key", "ca/ca.crt", "ca/ca.key", "crl-number", "crl.pem",
            "devices/esp32-0011223344ff/device.crt", "devices/esp32-0011223344ff/device.key",
            $"devices/esp32-0011223344ff/issued/0001-{device.Certificate.SerialNumber}.crt",
            "services/receiver/client.crt", "services/receiver/client.key", "services/receiver/role",
        }, files);
        foreach (var key in files.Where(f => f.EndsWith(".key")))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(store.Root, key)));
    }

    [Fact]
    public void Ca_is_created_once_and_reopened_with_the_passphrase()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        Assert.Throws<PkiException>(() => store.CreateCa("again", Passphrase));
        using var reopened = new PkiStore(store.Root).OpenCa(Passphrase);
        Assert.Equal(ca.Certificate.Thumbprint, reopened.Certificate.Thumbprint);
        Assert.Throws<PkiException>(() => new PkiStore(dir.Combine("empty")).OpenCa(Passphrase));
    }

    [Fact]
    public void Device_key_is_only_stored_when_asked()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        using var kept = store.IssueDevice(ca, "esp32-0000000000aa", keepKey: false);
        Assert.False(File.Exists(store.DeviceKeyPath("esp32-0000000000aa")));
        Assert.Equal(kept.Certificate.Thumbprint, store.LoadDeviceCertificate("esp32-0000000000aa")!.Thumbprint);

        using var first = store.IssueDevice(ca, "esp32-0000000000bb", keepKey: true);
        Assert.True(File.Exists(store.DeviceKeyPath("esp32-0000000000bb")));
        using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var second = store.IssueDevice(ca, "esp32-0000000000bb", new PublicKey(deviceKey));
        Assert.False(File.Exists(store.DeviceKeyPath("esp32-0000000000bb")));
    }

    [Fact]
    public void First_crl_is_empty_and_numbered_one()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        var der = ReadCrlDer(store);
        Assert.False(CrlLists(der, [1, 2, 3], out var number));
        Assert.Equal(BigInteger.One, number);
        Assert.Equal(BigInteger.One, store.CurrentCrlNumber);
    }

    [Fact]
    public void Crl_lists_exactly_the_revoked_serials_and_its_number_grows()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        using var a = store.IssueDevice(ca, "esp32-0000000000aa", keepKey: false);
        using var b = store.IssueDevice(ca, "esp32-0000000000bb", keepKey: false);
        using var c = store.IssueDevice(ca, "esp32-0000000000cc", keepKey: false);

        store.RevokeDevice("esp32-0000000000aa", X509RevocationReason.KeyCompromise);
        store.Revoke(c.Certificate);
        Assert.Equal(new BigInteger(2), store.WriteCrl(ca));

        var der = ReadCrlDer(store);
        Assert.True(CrlLists(der, a.Certificate.SerialNumberBytes.ToArray(), out var n2));
        Assert.False(CrlLists(der, b.Certificate.SerialNumberBytes.ToArray(), out _));
        Assert.True(CrlLists(der, c.Certificate.SerialNumberBytes.ToArray(), out _));
        Assert.Equal(new BigInteger(2), n2);

        store.RevokeDevice("esp32-0000000000aa"); // again: idempotent
        Assert.Equal(2, store.LoadRevoked().Count);
        Assert.Equal(X509RevocationReason.KeyCompromise, store.LoadRevoked()[0].Reason);
        Assert.Equal(new BigInteger(3), new PkiStore(store.Root).WriteCrl(ca));
        CrlLists(ReadCrlDer(store), [1], out var n3);
        Assert.Equal(new BigInteger(3), n3);
    }

    [Fact]
    public void Openssl_rejects_a_revoked_certificate_with_the_crl_and_accepts_the_others()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        using var revoked = store.IssueDevice(ca, "esp32-0000000000aa", keepKey: false);
        using var good = store.IssueDevice(ca, "esp32-0000000000bb", keepKey: false);
        store.RevokeDevice("esp32-0000000000aa");
        store.WriteCrl(ca);

        var bad = OpenSsl.Run("verify", "-crl_check", "-CAfile", store.CaCertificatePath, "-CRLfile", store.CrlPath,
            store.DeviceCertificatePath("esp32-0000000000aa"));
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("revoked", bad.Output);
        var ok = OpenSsl.Run("verify", "-crl_check", "-CAfile", store.CaCertificatePath, "-CRLfile", store.CrlPath,
            store.DeviceCertificatePath("esp32-0000000000bb"));
        Assert.True(ok.ExitCode == 0, ok.Output);
    }

    [Fact]
    public void Revocation_errors_are_clear()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        var unknown = Assert.Throws<PkiException>(() => store.RevokeDevice("esp32-0000000000ee"));
        Assert.Contains("no certificate for device esp32-0000000000ee", unknown.Message);
        using var other = FleetCa.Create("other");
        using var foreign = other.IssueDevice("esp32-0000000000ee");
        var e = Assert.Throws<PkiException>(() => store.Revoke(foreign.Certificate));
        Assert.Contains("not by this store's CA", e.Message);
        Assert.Throws<ArgumentException>(() => store.RevokeSerial("xyz", X509RevocationReason.Unspecified));
    }

    [Fact]
    public void Damaged_revoked_list_is_reported_with_its_line()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        File.WriteAllText(store.RevokedListPath, "# header\nABCD\tnot-a-date\tUnspecified\tCN=x\n");
        var e = Assert.Throws<PkiException>(() => store.WriteCrl(ca));
        Assert.Contains("revoked.tsv:2", e.Message);
    }

    [Fact]
    public void Service_identity_loads_back_with_its_key()
    {
        var (dir, store, ca) = NewStore();
        using var _d = dir; using var _c = ca;
        using var issued = store.IssueService(ca, "receiver");
        using var loaded = store.LoadServiceIdentity("receiver");
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(issued.Certificate.Thumbprint, loaded.Thumbprint);
        Assert.Throws<PkiException>(() => store.LoadServiceIdentity("receiver-2"));
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Pki;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class FleetCaTests
{
    private const string Passphrase = "correct horse battery staple";

    [Fact]
    public void Ca_is_a_self_signed_p256_ca_that_signs_certificates_and_crls()
    {
        using var ca = FleetCa.Create("acme");
        var cert = ca.Certificate;
        Assert.Equal("CN=acme NodeFirmware Fleet CA", cert.Subject);
        Assert.Equal(cert.Subject, cert.Issuer);
        Assert.Equal("acme", ca.FleetName);
        var bc = cert.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(bc.CertificateAuthority);
        Assert.True(bc.Critical);
        var ku = cert.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, ku.KeyUsages);
        using var key = cert.GetECDsaPublicKey()!;
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        Assert.Equal(16, cert.GetSerialNumber().Length);
        Assert.False(cert.HasPrivateKey);
        Assert.True(new FleetTrust(cert).Check(cert, null).Count == 0);
    }

    [Fact]
    public void Saved_key_is_encrypted_pbes2_aes256_pbkdf2_sha256_and_owner_only()
    {
        using var dir = new TempDirectory();
        using var ca = FleetCa.Create("acme");
        ca.Save(dir.Path, Passphrase);

        var keyPath = Path.Combine(dir.Path, "ca.key");
        var pem = File.ReadAllText(keyPath);
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem);
        Assert.DoesNotContain("BEGIN PRIVATE KEY", pem);
        Assert.DoesNotContain("BEGIN EC PRIVATE KEY", pem);
        var info = EncryptedKeyInfo.FromPem(pem);
        Assert.True(info.IsPbes2Aes256Sha256, info.ToString());
        Assert.Equal(FleetCa.DefaultKdfIterations, info.Iterations);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            File.GetUnixFileMode(Path.Combine(dir.Path, "ca.crt")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Loaded_ca_issues_certificates_that_chain_to_the_saved_certificate()
    {
        using var dir = new TempDirectory();
        using (var created = FleetCa.Create("acme")) created.Save(dir.Path, Passphrase, kdfIterations: 100_000);
        using var loaded = FleetCa.Load(dir.Path, Passphrase);
        using var device = loaded.IssueDevice("esp32-0011223344ff");
        using var caOnDisk = FleetCa.LoadCertificate(dir.Path);
        Assert.Empty(new FleetTrust(caOnDisk).Check(device.Certificate, "1.3.6.1.5.5.7.3.2"));
    }

    [Fact]
    public void Wrong_passphrase_fails_with_a_clear_error()
    {
        using var dir = new TempDirectory();
        using (var ca = FleetCa.Create("acme")) ca.Save(dir.Path, Passphrase, kdfIterations: 100_000);
        var e = Assert.Throws<PkiException>(() => FleetCa.Load(dir.Path, "correct horse battery stapler"));
        Assert.Contains("wrong passphrase", e.Message);
        Assert.Contains("ca.key", e.Message);
    }

    [Fact]
    public void Openssl_decrypts_the_key_only_with_the_passphrase()
    {
        using var dir = new TempDirectory();
        using (var ca = FleetCa.Create("acme")) ca.Save(dir.Path, Passphrase, kdfIterations: 100_000);
        var key = Path.Combine(dir.Path, "ca.key");
        var good = OpenSsl.Run("pkey", "-in", key, "-passin", "pass:" + Passphrase, "-noout");
        Assert.True(good.ExitCode == 0, good.Output);
        var bad = OpenSsl.Run("pkey", "-in", key, "-passin", "pass:not the passphrase", "-noout");
        Assert.NotEqual(0, bad.ExitCode);
    }

    [Fact]
    public void Unencrypted_or_missing_key_is_refused()
    {
        using var dir = new TempDirectory();
        using var ca = FleetCa.Create("acme");
        var missing = Assert.Throws<PkiException>(() => FleetCa.Load(dir.Path, Passphrase));
        Assert.Contains("not found", missing.Message);

        File.WriteAllText(Path.Combine(dir.Path, "ca.crt"), ca.Certificate.ExportCertificatePem());
        using var plain = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(Path.Combine(dir.Path, "ca.key"), plain.ExportPkcs8PrivateKeyPem());
        var e = Assert.Throws<PkiException>(() => FleetCa.Load(dir.Path, Passphrase));
        Assert.Contains("not an encrypted PKCS#8 key", e.Message);
    }

    [Fact]
    public void Key_that_does_not_match_the_certificate_is_refused()
    {
        using var dir = new TempDirectory();
        using var a = FleetCa.Create("a");
        using var b = FleetCa.Create("b");
        a.Save(dir.Path, Passphrase, 100_000);
        var otherDir = Path.Combine(dir.Path, "other");
        b.Save(otherDir, Passphrase, 100_000);
        File.Copy(Path.Combine(otherDir, "ca.key"), Path.Combine(dir.Path, "ca.key"), overwrite: true);
        var e = Assert.Throws<PkiException>(() => FleetCa.Load(dir.Path, Passphrase));
        Assert.Contains("does not belong", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("elevenchars")]
    public void Weak_passphrases_are_refused(string passphrase)
    {
        using var dir = new TempDirectory();
        using var ca = FleetCa.Create("acme");
        var e = Assert.Throws<PkiException>(() => ca.Save(dir.Path, passphrase));
        Assert.Contains("at least 12", e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, "ca.key")));
    }

    [Fact]
    public void Too_few_kdf_iterations_are_refused()
    {
        using var dir = new TempDirectory();
        using var ca = FleetCa.Create("acme");
        Assert.Throws<ArgumentOutOfRangeException>(() => ca.Save(dir.Path, Passphrase, kdfIterations: 10_000));
    }

    [Fact]
    public void Descriptions_never_contain_key_material()
    {
        using var ca = FleetCa.Create("acme");
        using var device = ca.IssueDevice("esp32-0011223344ff");
        foreach (var text in new[] { ca.ToString(), device.ToString() })
        {
            Assert.DoesNotContain("PRIVATE", text);
            Assert.DoesNotContain(Convert.ToBase64String(device.PrivateKey.ExportPkcs8PrivateKey())[..16], text);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a+b")]
    [InlineData("x,O=evil")]
    public void Unusable_fleet_names_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => FleetCa.Create(name));
}

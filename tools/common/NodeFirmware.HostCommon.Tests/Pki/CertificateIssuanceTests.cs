using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Pki;

public class CertificateIssuanceTests
{
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private static readonly FleetCa Ca = FleetCa.Create("issuance-tests");

    private static string[] Ekus(X509Certificate2 c) =>
        c.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value!).ToArray();

    [Fact]
    public void Device_certificate_has_the_device_id_as_cn_client_auth_only_and_chains_to_the_ca()
    {
        var id = DeviceIdentity.FromMac([0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56]);
        using var device = Ca.IssueDevice(id);
        var cert = device.Certificate;
        Assert.Equal("CN=esp32-240ac4123456", cert.Subject);
        Assert.Equal(id, FleetTrust.CommonName(cert));
        Assert.Equal([ClientAuth], Ekus(cert));
        Assert.False(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(Ca.Certificate.Subject, cert.Issuer);
        Assert.Equal(16, cert.GetSerialNumber().Length);

        var trust = new FleetTrust(Ca.Certificate);
        Assert.Empty(trust.Check(cert, ClientAuth));
        Assert.True(trust.IsValidDevice(cert));
        Assert.NotEmpty(trust.Check(cert, ServerAuth)); // a device cannot pose as the broker
    }

    [Fact]
    public void Chain_validates_with_a_plain_X509Chain_too()
    {
        using var device = Ca.IssueDevice("esp32-0000000000aa");
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(device.Certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(2, chain.ChainElements.Count);
        Assert.Equal(Ca.Certificate.Thumbprint, chain.ChainElements[1].Certificate.Thumbprint);
    }

    [Fact]
    public void Certificate_from_another_ca_does_not_validate()
    {
        using var other = FleetCa.Create("other");
        using var device = other.IssueDevice("esp32-0000000000aa");
        var problems = new FleetTrust(Ca.Certificate).Check(device.Certificate, ClientAuth);
        Assert.NotEmpty(problems);
        Assert.False(new FleetTrust(Ca.Certificate).IsValidDevice(device.Certificate));
    }

    [Fact]
    public void Default_validity_is_ten_years_and_configurable()
    {
        using var ten = Ca.IssueDevice("esp32-0000000000aa");
        var years = (ten.Certificate.NotAfter - ten.Certificate.NotBefore).TotalDays / 365.25;
        Assert.InRange(years, 9.99, 10.01);
        Assert.True(ten.Certificate.NotBefore <= DateTime.Now);

        using var week = Ca.IssueDevice("esp32-0000000000aa", TimeSpan.FromDays(7));
        Assert.InRange((week.Certificate.NotAfter - DateTime.Now).TotalDays, 6.9, 7.01);
        Assert.NotEmpty(new FleetTrust(Ca.Certificate).Check(week.Certificate, ClientAuth, DateTime.Now.AddDays(8)));
    }

    [Fact]
    public void Validity_beyond_the_ca_is_refused()
    {
        using var shortCa = FleetCa.Create("short", TimeSpan.FromDays(365));
        var e = Assert.Throws<PkiException>(() => shortCa.IssueDevice("esp32-0000000000aa"));
        Assert.Contains("after the CA itself expires", e.Message);
    }

    [Fact]
    public void Serials_are_random_and_distinct()
    {
        var serials = Enumerable.Range(0, 50).Select(_ =>
        {
            using var c = Ca.IssueDevice("esp32-0000000000aa", TimeSpan.FromDays(1));
            return c.Certificate.SerialNumber;
        }).ToList();
        Assert.Equal(50, serials.Distinct().Count());
        Assert.All(serials, s => Assert.Equal(32, s.Length));
    }

    [Fact]
    public void Device_made_key_is_certified_without_the_private_key_leaving_the_device()
    {
        using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = deviceKey.ExportSubjectPublicKeyInfo();
        using var cert = Ca.IssueDeviceCertificate("esp32-0000000000bb", spki);
        Assert.False(cert.HasPrivateKey);
        using var certKey = cert.GetECDsaPublicKey()!;
        Assert.Equal(spki, certKey.ExportSubjectPublicKeyInfo());
        using var bound = cert.CopyWithPrivateKey(deviceKey);
        Assert.True(bound.HasPrivateKey);
    }

    [Fact]
    public void Keys_other_than_p256_are_refused()
    {
        using var rsa = RSA.Create(2048);
        Assert.Throws<ArgumentException>(() => Ca.IssueDeviceCertificate("esp32-0000000000bb", rsa.ExportSubjectPublicKeyInfo()));
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var e = Assert.Throws<ArgumentException>(() => Ca.IssueDeviceCertificate("esp32-0000000000bb", p384.ExportSubjectPublicKeyInfo()));
        Assert.Contains("P-256", e.Message);
        Assert.Throws<ArgumentException>(() => Ca.IssueDeviceCertificate("esp32-0000000000bb", new byte[] { 1, 2, 3 }));
    }

    [Theory]
    [InlineData("receiver")]
    [InlineData("esp32-00112233445")]
    [InlineData("esp32-+")]
    public void Device_certificates_need_a_device_id(string id) =>
        Assert.Throws<ArgumentException>(() => Ca.IssueDevice(id));

    [Fact]
    public void Service_certificate_is_client_auth_with_the_service_name()
    {
        using var receiver = Ca.IssueService("receiver");
        Assert.Equal("CN=receiver", receiver.Certificate.Subject);
        Assert.Equal([ClientAuth], Ekus(receiver.Certificate));
        Assert.Empty(new FleetTrust(Ca.Certificate).Check(receiver.Certificate, ClientAuth));
        Assert.False(new FleetTrust(Ca.Certificate).IsValidDevice(receiver.Certificate));
        Assert.Throws<ArgumentException>(() => Ca.IssueService("esp32-0000000000bb"));
    }

    [Fact]
    public void Broker_certificate_is_server_auth_for_localhost_127_0_0_1_and_extra_names()
    {
        using var broker = Ca.IssueBroker(["mqtt.example.net"], [IPAddress.Parse("10.0.0.5")]);
        var cert = broker.Certificate;
        Assert.Equal([ServerAuth], Ekus(cert));
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost", "mqtt.example.net"], san.EnumerateDnsNames().ToArray());
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("10.0.0.5")], san.EnumerateIPAddresses().ToArray());
        Assert.True(cert.MatchesHostname("localhost"));
        Assert.True(cert.MatchesHostname("127.0.0.1"));
        Assert.True(cert.MatchesHostname("mqtt.example.net"));
        Assert.False(cert.MatchesHostname("evil.example.net"));
        Assert.Empty(new FleetTrust(Ca.Certificate).Check(cert, ServerAuth));
        Assert.NotEmpty(new FleetTrust(Ca.Certificate).Check(cert, ClientAuth));
    }

    [Fact]
    public void Openssl_verifies_the_device_certificate_against_the_ca()
    {
        using var dir = new TempDirectory();
        using var device = Ca.IssueDevice("esp32-0000000000cc");
        var caFile = dir.Combine("ca.crt");
        var deviceFile = dir.Combine("device.crt");
        File.WriteAllText(caFile, Ca.Certificate.ExportCertificatePem());
        File.WriteAllText(deviceFile, device.CertificatePem);
        var result = OpenSsl.Run("verify", "-CAfile", caFile, "-purpose", "sslclient", deviceFile);
        Assert.True(result.ExitCode == 0, result.Output);
        var asServer = OpenSsl.Run("verify", "-CAfile", caFile, "-purpose", "sslserver", deviceFile);
        Assert.NotEqual(0, asServer.ExitCode);
    }
}

using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Pki;

/// <summary>Revoking a device revokes every certificate the store ever issued to it, under one lock with the CRL.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeviceRevocationTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple";
    private const string Device = "esp32-0000000000d1";
    private readonly TempDirectory _dir = new();
    private readonly PkiStore _store;
    private readonly FleetCa _ca;

    public DeviceRevocationTests()
    {
        _store = new PkiStore(_dir.Combine("pki"));
        _ca = _store.CreateCa("revocation-tests", Passphrase, kdfIterations: 100_000);
    }

    private (int ExitCode, string Output) Verify(X509Certificate2 certificate)
    {
        string file = _dir.Combine(certificate.SerialNumber + ".pem");
        File.WriteAllText(file, certificate.ExportCertificatePem());
        return OpenSsl.Run("verify", "-crl_check", "-CAfile", _store.CaCertificatePath, "-CRLfile", _store.CrlPath, file);
    }

    [Fact]
    public void An_older_certificate_of_a_re_provisioned_device_is_revoked_with_the_current_one()
    {
        using var first = _store.IssueDevice(_ca, Device, keepKey: true);
        var devicePublicKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var second = _store.IssueDevice(_ca, Device, new PublicKey(devicePublicKey)); // on-device key, as provisioning does
        Assert.Equal([first.Certificate.SerialNumber, second.SerialNumber], _store.LoadDeviceCertificates(Device).Select(c => c.SerialNumber));

        var revocation = _store.RevokeDeviceAndPublish(_ca, Device, X509RevocationReason.KeyCompromise);
        Assert.Equal(2, revocation.NewlyRevoked.Count);
        Assert.Equal(2, (int)revocation.CrlNumber);
        Assert.Contains("revoked", Verify(first.Certificate).Output);
        Assert.Contains("revoked", Verify(second).Output);

        // Again: nothing new, a new CRL all the same.
        var again = _store.RevokeDeviceAndPublish(_ca, Device, X509RevocationReason.KeyCompromise);
        Assert.Empty(again.NewlyRevoked);
        Assert.Equal(2, again.Certificates.Count);
        Assert.Equal(3, (int)again.CrlNumber);

        // Re-provisioned after the revocation: the new certificate is valid.
        using var third = _store.IssueDevice(_ca, Device, keepKey: false);
        Assert.True(Verify(third.Certificate).ExitCode == 0);
    }

    [Fact]
    public void A_serial_known_only_elsewhere_is_revoked_too_and_nothing_to_revoke_is_an_error()
    {
        var revocation = _store.RevokeDeviceAndPublish(_ca, Device, X509RevocationReason.Unspecified, ["0a0b"]);
        Assert.Equal("0A0B", Assert.Single(revocation.Certificates).SerialHex);
        Assert.Equal("CN=" + Device, revocation.Certificates[0].Subject);
        var e = Assert.Throws<PkiException>(() => _store.RevokeDeviceAndPublish(_ca, "esp32-0000000000d2", X509RevocationReason.Unspecified));
        Assert.Contains("nothing to revoke", e.Message);
    }

    [Fact]
    public void Revocations_from_two_tools_at_once_lose_no_entry_and_reuse_no_crl_number()
    {
        var ids = Enumerable.Range(0, 8).Select(i => $"esp32-0000000001{i:x2}").ToList();
        foreach (var id in ids) _store.IssueDevice(_ca, id, keepKey: false).Dispose();
        var numbers = new System.Collections.Concurrent.ConcurrentBag<System.Numerics.BigInteger>();
        Parallel.ForEach(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, id =>
            numbers.Add(new PkiStore(_store.Root).RevokeDeviceAndPublish(_ca, id, X509RevocationReason.Unspecified).CrlNumber));
        Assert.Equal(8, _store.LoadRevoked().Count);
        Assert.Equal(8, numbers.Distinct().Count());
    }

    [Fact]
    public void Service_roles_are_recorded_listed_and_one_per_identity()
    {
        _store.IssueService(_ca, "receiver").Dispose();
        _store.IssueService(_ca, "dashboard", ServiceRole.Observer).Dispose();
        Directory.CreateDirectory(_store.ServiceDirectory("legacy"));
        File.Copy(_store.ServiceCertificatePath("receiver"), _store.ServiceCertificatePath("legacy")); // a store from before roles
        Assert.Equal([("dashboard", ServiceRole.Observer), ("legacy", ServiceRole.Receiver), ("receiver", ServiceRole.Receiver)], _store.ListServices());
        var e = Assert.Throws<PkiException>(() => _store.IssueService(_ca, "dashboard", ServiceRole.Receiver));
        Assert.Contains("one role", e.Message);
    }

    [Fact]
    public void The_passphrase_variable_is_one_name_and_the_retired_ones_are_refused()
    {
        Assert.Equal("p", CaPassphrase.FromEnvironment(n => n == CaPassphrase.EnvironmentVariable ? "p" : null));
        Assert.Null(CaPassphrase.FromEnvironment(_ => null));
        foreach (var retired in CaPassphrase.RetiredVariables)
            Assert.Contains(CaPassphrase.EnvironmentVariable, Assert.Throws<PkiException>(() => CaPassphrase.FromEnvironment(n => n == retired ? "x" : null)).Message);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }
}

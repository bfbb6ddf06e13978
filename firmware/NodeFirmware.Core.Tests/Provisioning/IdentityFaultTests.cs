using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Core.Tests.Provisioning;

/// <summary>
/// A committed identity that the device cannot use (corrupt key, no key, a certificate that does not parse) is a
/// reported state with a way back, decided by Core on both hosts: <see cref="BootIdentity"/> at boot, HELLO's
/// "corrupt" state, and PUT_BUNDLE replacing it without a factory reset.
/// </summary>
public class IdentityFaultTests
{
    private static (byte[] Cert, byte[] Key) RealPair(string subject, ECDsa? key = null)
    {
        key ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + subject, key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (cert.RawData, key.ExportPkcs8PrivateKey());
    }

    [Fact]
    public void A_certificate_and_key_made_by_dotnet_pass_and_belong_together()
    {
        var (cert, key) = RealPair(TestBundles.DeviceId);
        Assert.Null(CredentialCheck.CertificateProblem(cert));
        Assert.Null(CredentialCheck.PrivateKeyProblem(key));
        Assert.Null(CredentialCheck.PairProblem(cert, key));
    }

    [Fact]
    public void A_key_of_another_certificate_is_found_without_any_TLS_library()
    {
        var (cert, _) = RealPair(TestBundles.DeviceId);
        var (_, otherKey) = RealPair(TestBundles.DeviceId);
        Assert.Contains("does not belong", CredentialCheck.PairProblem(cert, otherKey));
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("flipped-length")]
    [InlineData("garbage")]
    [InlineData("rsa-oid")]
    [InlineData("scalar-zero")]
    public void Malformed_keys_are_named(string how)
    {
        var (_, key) = RealPair(TestBundles.DeviceId);
        byte[] bad = how switch
        {
            "truncated" => key[..(key.Length - 9)],
            "flipped-length" => Flip(key, 1),
            "garbage" => Enumerable.Range(0, key.Length).Select(i => (byte)(i * 37)).ToArray(),
            "rsa-oid" => Replace(key, Der.EcPublicKeyOid, new byte[] { 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01 }),
            _ => Der.Pkcs8EcKey(new byte[32]),
        };
        Assert.NotNull(CredentialCheck.PrivateKeyProblem(bad));
    }

    [Fact]
    public void A_truncated_or_trailing_certificate_is_refused()
    {
        var (cert, _) = RealPair(TestBundles.DeviceId);
        Assert.NotNull(CredentialCheck.CertificateProblem(cert[..(cert.Length / 2)]));
        Assert.NotNull(CredentialCheck.CertificateProblem([.. cert, 0x00]));
        Assert.NotNull(CredentialCheck.CertificateProblem(Array.Empty<byte>()));
    }

    public static TheoryData<string> Faults() => new() { "corrupt-key", "missing-key", "certificate-does-not-parse", "undecodable" };

    /// <summary>Writes a committed record as a faulty factory run would leave it (the store's CRC is intact).</summary>
    internal static void CommitFaulty(IdentityStore store, string fault)
    {
        var b = TestBundles.Bundle();
        byte[] bytes;
        switch (fault)
        {
            case "corrupt-key": b.DevicePrivateKey = Flip(b.DevicePrivateKey, 1); bytes = BundleCodec.Encode(b); break;
            case "missing-key": bytes = WithoutKey(b); break;
            case "certificate-does-not-parse": b.DeviceCertificate = b.DeviceCertificate[..200]; bytes = BundleCodec.Encode(b); break;
            default: bytes = BundleCodec.Encode(b)[..50]; break;
        }
        store.SaveStored(bytes);
        store.Commit();
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public void Boot_reports_the_fault_instead_of_handing_out_the_bundle(string fault)
    {
        var rig = new DeviceRig();
        CommitFaulty(rig.Store, fault);
        var decision = BootIdentity.Decide(new IdentityStore(rig.Flash, DeviceRig.FirstSector), TestBundles.DeviceId);
        Assert.Equal(IdentityState.Corrupt, decision.State);
        Assert.False(decision.RunsNode);
        Assert.Null(decision.Bundle);
        Assert.False(string.IsNullOrEmpty(decision.Fault));
        Assert.StartsWith("identity fault: ", decision.ConsoleLine());
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_corrupt_identity_is_reported_in_hello_and_replaced_without_a_factory_reset(string fault)
    {
        var rig = new DeviceRig();
        CommitFaulty(rig.Store, fault);
        rig.Reboot();
        var decision = BootIdentity.Decide(rig.Store, TestBundles.DeviceId);
        rig.Session.ReportIdentityFault(decision.Fault);

        var hello = rig.Hello();
        Assert.Equal(IdentityState.Corrupt, hello.State);
        Assert.False(hello.Provisioned);
        Assert.Equal(decision.Fault, hello.Fault);

        // The corrupt bundle itself cannot be committed again: it is replaced.
        byte[] oldHash = SHA256.HashData(rig.Store.BundleBytes);
        DeviceRig.AssertError(rig.Request(MessageType.Commit, oldHash), ErrorCode.BadBundle);

        rig.Provision(BundleCodec.Encode(TestBundles.Bundle()));
        Assert.Equal(IdentityState.Committed, rig.Hello().State);
        rig.Reboot();
        var after = BootIdentity.Decide(rig.Store, TestBundles.DeviceId);
        Assert.True(after.RunsNode, after.Fault);
    }

    [Fact]
    public void A_TLS_refusal_after_the_checks_is_the_same_fault_state()
    {
        var decision = BootIdentity.Refused("mbedtls -0x3D00");
        Assert.Equal(IdentityState.Corrupt, decision.State);
        Assert.Contains("mbedtls -0x3D00", decision.Fault);
    }

    [Fact]
    public void Empty_and_stored_are_plain_provisioning_mode_and_a_good_identity_runs()
    {
        var rig = new DeviceRig();
        Assert.Equal(IdentityState.Empty, BootIdentity.Decide(rig.Store, TestBundles.DeviceId).State);
        rig.Store.SaveStored(BundleCodec.Encode(TestBundles.Bundle()));
        Assert.Equal(IdentityState.Stored, BootIdentity.Decide(rig.Store, TestBundles.DeviceId).State);
        rig.Store.Commit();
        var decision = BootIdentity.Decide(rig.Store, TestBundles.DeviceId);
        Assert.True(decision.RunsNode);
        Assert.Equal(8883, decision.Bundle.BrokerPort);
    }

    [Fact]
    public void A_bundle_with_a_key_that_fails_the_checks_is_refused_at_put_bundle()
    {
        var rig = new DeviceRig();
        var b = TestBundles.Bundle();
        b.DevicePrivateKey = Flip(b.DevicePrivateKey, 3);
        DeviceRig.AssertError(rig.Request(MessageType.PutBundle, BundleCodec.Encode(b)), ErrorCode.BadBundle);
        Assert.Equal(IdentityState.Empty, rig.Store.State);
    }

    private static byte[] Flip(byte[] data, int at)
    {
        var copy = (byte[])data.Clone();
        copy[at] ^= 0x5C;
        return copy;
    }

    private static byte[] Replace(byte[] data, byte[] find, byte[] with)
    {
        var copy = (byte[])data.Clone();
        int at = copy.AsSpan().IndexOf(find);
        Assert.True(at >= 0);
        with.CopyTo(copy, at);
        return copy;
    }

    private static byte[] WithoutKey(ProvisioningBundle b)
    {
        var w = new CborWriter();
        w.WriteStartMap(9);
        w.WriteText("v"); w.WriteInt32(ProvisioningBundle.FormatVersion);
        w.WriteText("id"); w.WriteText(b.DeviceId);
        w.WriteText("cert"); w.WriteBytes(b.DeviceCertificate);
        w.WriteText("ca"); w.WriteBytes(b.CaCertificate);
        w.WriteText("host"); w.WriteText(b.BrokerHost);
        w.WriteText("port"); w.WriteInt32(b.BrokerPort);
        w.WriteText("ssid"); w.WriteText(b.WifiSsid);
        w.WriteText("psk"); w.WriteText(b.WifiPassphrase);
        w.WriteText("rel"); w.WriteBytes(b.ReleasePublicKey);
        return w.ToArray();
    }
}

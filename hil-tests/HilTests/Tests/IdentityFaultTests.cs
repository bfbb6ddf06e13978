using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.HilTests.Support;
using NodeFirmware.HilTests.Virtual;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.HilTests.Tests;

/// <summary>
/// A board whose stored identity is unusable does not crash or loop at boot: it says so on its console, waits in
/// provisioning mode reporting "corrupt" in HELLO, is re-provisioned by nodectl's provisioner over its UART and
/// then reports telemetry. The identity is written as a faulty factory run would leave it (committed, CRC intact).
/// </summary>
public sealed class IdentityFaultTests
{
    [Theory]
    [InlineData("corrupt-key", 31)]
    [InlineData("missing-key", 32)]
    [InlineData("certificate-does-not-parse", 33)]
    [InlineData("key-of-another-certificate", 34)]
    public async Task Unusable_identity_is_reported_and_reprovisioned_then_telemetry_arrives(string fault, int index)
    {
        await using var rig = await VirtualRig.StartAsync(index: index);
        await rig.FlashAsync(TestImages.Factory());
        string id = rig.Board.DeviceId;
        var store = rig.Board.Provisioning.Store;
        store.SaveStored(FaultyBundle(id, fault));
        store.Commit();

        for (int boot = 0; boot < 3; boot++) await rig.PowerCycleAsync();
        Assert.Null(rig.Board.Node);
        Assert.Equal(IdentityState.Corrupt, rig.Board.Provisioning.Session.State);
        Assert.Equal(3, rig.ConsoleLines.Count(l => l.Contains("identity fault:")));

        var provisioned = await rig.ProvisionAsync();
        Assert.Equal(ProvisionOutcome.Provisioned, provisioned.Outcome);
        Assert.Equal(id, provisioned.DeviceId);
        Assert.NotNull(rig.Board.Node);

        await rig.RunForAsync(Scenarios.FactoryFlow.FirstTelemetryBound);
        long stored = await Eventually.ReadAsync(() => rig.Store.CountReadingsAsync(id), n => n > 0);
        Assert.True(stored > 0, "no telemetry after re-provisioning; console:\n" + string.Join('\n', rig.ConsoleLines.TakeLast(20)));
    }

    private static byte[] FaultyBundle(string deviceId, string fault)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + deviceId, key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var ca = new CertificateRequest("CN=Old fleet CA", caKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var b = new ProvisioningBundle
        {
            DeviceId = deviceId,
            DeviceCertificate = certificate.RawData,
            DevicePrivateKey = key.ExportPkcs8PrivateKey(),
            CaCertificate = ca.RawData,
            BrokerHost = "127.0.0.1",
            BrokerPort = 8883,
            WifiSsid = "factory-line",
            WifiPassphrase = "correct horse battery staple",
            ReleasePublicKey = new byte[32],
        };
        switch (fault)
        {
            case "corrupt-key":
                b.DevicePrivateKey[1] ^= 0x21;
                return BundleCodec.Encode(b);
            case "missing-key":
                return WithoutKey(b);
            case "certificate-does-not-parse":
                b.DeviceCertificate = b.DeviceCertificate[..(b.DeviceCertificate.Length - 20)];
                return BundleCodec.Encode(b);
            default:
                // Passes Core's structural checks (no public point to compare), refused when .NET joins key and certificate.
                using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                    b.DevicePrivateKey = Pkcs8WithoutPublicPoint(other.ExportParameters(true).D!);
                return BundleCodec.Encode(b);
        }
    }

    private static byte[] Pkcs8WithoutPublicPoint(byte[] scalar)
    {
        byte[] head =
        [
            0x30, 0x41, 0x02, 0x01, 0x00,
            0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07,
            0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
        ];
        return [.. head, .. scalar];
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

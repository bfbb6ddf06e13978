using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Provisioning;

namespace NodeFirmware.Core.Tests.Provisioning;

/// <summary>Bundles and frames for the provisioning tests. Certificates are DER-shaped stand-ins that name the device.</summary>
internal static class TestBundles
{
    public static readonly byte[] Mac = { 0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56 };
    public const string DeviceId = "esp32-240ac4123456";
    public const string WifiPassphrase = "correct horse battery staple";

    /// <summary>
    /// A recognisable private key so tests can search outputs for it: a PKCS#8 P-256 key (RFC 5208/5915 shape)
    /// whose scalar is a fixed pattern, without the optional public point.
    /// </summary>
    public static byte[] PrivateKey()
    {
        var scalar = new byte[32];
        for (int i = 0; i < scalar.Length; i++) scalar[i] = (byte)(0x5A ^ i * 7);
        return Der.Pkcs8EcKey(scalar);
    }

    /// <summary>A DER X.509-shaped certificate of exactly <paramref name="size"/> bytes whose subject names <paramref name="subject"/>.</summary>
    public static byte[] FakeCertificate(string subject, int size = 420) => Der.Certificate(subject, size);

    public static ProvisioningBundle Bundle(string deviceId = DeviceId) => new()
    {
        DeviceId = deviceId,
        DeviceCertificate = FakeCertificate(deviceId),
        DevicePrivateKey = PrivateKey(),
        CaCertificate = FakeCertificate("Test NodeFirmware Fleet CA", 400),
        BrokerHost = "broker.factory.local",
        BrokerPort = 8883,
        WifiSsid = "factory-line",
        WifiPassphrase = WifiPassphrase,
        ReleasePublicKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(),
        ConfigOverrides = Config(("sample_s", 30), ("report_s", 600)),
    };

    public static byte[] Config(params (string Key, int Value)[] pairs)
    {
        var w = new CborWriter();
        w.WriteStartMap(pairs.Length);
        foreach (var (key, value) in pairs)
        {
            w.WriteText(key);
            w.WriteInt32(value);
        }
        return w.ToArray();
    }

    public static bool ContainsSequence(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return true;
        }
        return false;
    }
}

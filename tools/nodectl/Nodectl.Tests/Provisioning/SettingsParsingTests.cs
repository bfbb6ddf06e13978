using NodeFirmware.Core.Cbor;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

public class SettingsParsingTests
{
    private static string Temp(byte[] content)
    {
        string path = Path.Combine(Path.GetTempPath(), "nodectl-key-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return path;
    }

    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)(i * 3 + 1)).ToArray();

    [Fact]
    public void Release_key_is_read_from_raw_hex_base64_and_pem()
    {
        var ed25519 = NSec.Cryptography.SignatureAlgorithm.Ed25519;
        using var real = NSec.Cryptography.Key.Create(ed25519, new NSec.Cryptography.KeyCreationParameters { ExportPolicy = NSec.Cryptography.KeyExportPolicies.AllowPlaintextExport });
        byte[] raw = real.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey);
        byte[] pem = real.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.PkixPublicKeyText);

        var paths = new[] { Temp(Key), Temp(System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(Key) + "\n")), Temp(System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(Key))) };
        try
        {
            foreach (var p in paths) Assert.Equal(Key, ReleaseKeyFile.Load(p));
            string pemPath = Temp(pem);
            Assert.Equal(raw, ReleaseKeyFile.Load(pemPath));
            File.Delete(pemPath);
        }
        finally
        {
            foreach (var p in paths) File.Delete(p);
        }
    }

    [Fact]
    public void Release_key_file_of_the_wrong_kind_is_refused()
    {
        string priv = Temp("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"u8.ToArray());
        string shortKey = Temp(new byte[31]);
        try
        {
            Assert.Contains("private key", Assert.Throws<ArgumentException>(() => ReleaseKeyFile.Load(priv)).Message);
            Assert.Throws<ArgumentException>(() => ReleaseKeyFile.Load(shortKey));
            Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => ReleaseKeyFile.Load(priv + ".missing")).Message);
        }
        finally
        {
            File.Delete(priv);
            File.Delete(shortKey);
        }
    }

    [Fact]
    public void Config_overrides_become_a_checked_cbor_map()
    {
        Assert.Null(ConfigOverrides.Build([]));
        byte[] cbor = ConfigOverrides.Build(["sample_s=30", "report_s=600"])!;
        var r = new CborReader(cbor);
        Assert.Equal(2, r.ReadStartMap());
        Assert.Equal("sample_s", r.ReadText());
        Assert.Equal(30, r.ReadInt32());
        Assert.Contains("sample_s", Assert.Throws<ArgumentException>(() => ConfigOverrides.Build(["sample_s=0"])).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => ConfigOverrides.Build(["batch=5", "batch=6"])).Message);
        Assert.Contains("key=integer", Assert.Throws<ArgumentException>(() => ConfigOverrides.Build(["batch"])).Message);
        Assert.Contains("unknown key", Assert.Throws<ArgumentException>(() => ConfigOverrides.Build(["colour=3"])).Message);
    }
}

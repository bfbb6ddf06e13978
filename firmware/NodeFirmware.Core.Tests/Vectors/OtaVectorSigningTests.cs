using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Vectors;
using NSec.Cryptography;

namespace NodeFirmware.Core.Tests.Vectors;

/// <summary>
/// The signed material in firmware/vectors/ota.vec, checked with NSec rather than Core: the release key is the one
/// its seed gives, every package but the deliberately bad ones verifies, and so does every authorization but the one
/// signed by the other key (over the authorization's signing context).
/// </summary>
public class OtaVectorSigningTests
{
    private static readonly byte[] Seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private static VectorFile File() =>
        VectorFile.Parse(System.IO.File.ReadAllText(Path.Combine(VectorFileTests.Folder(), "ota.vec")));

    [Fact]
    public void The_release_key_is_the_seeds()
    {
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Seed, KeyBlobFormat.RawPrivateKey);
        byte[] expected = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        foreach (Vector c in File().Cases) Assert.Equal(expected, c.Bytes("key"));
    }

    [Fact]
    public void Packages_and_authorizations_verify_with_an_independent_implementation()
    {
        var pub = PublicKey.Import(SignatureAlgorithm.Ed25519, File().Cases[0].Bytes("key"), KeyBlobFormat.RawPublicKey);
        int checkedCount = 0;
        foreach (Vector c in File().Cases)
        {
            foreach (string line in c.All("image"))
            {
                string[] f = line.Split(' ');
                bool valid = SignatureAlgorithm.Ed25519.Verify(pub, HexText.Decode(f[3], f[0]), HexText.Decode(f[4], f[0]));
                Assert.True(valid == (f[0] != "other-key" && f[0] != "tampered"), f[0]);
                checkedCount++;
            }
            foreach (string line in c.All("auth"))
            {
                string[] f = line.Split(' ');
                byte[] signed = DowngradeAuthorizationCodec.SignedBytes(HexText.Decode(f[1], f[0]));
                bool valid = SignatureAlgorithm.Ed25519.Verify(pub, signed, HexText.Decode(f[2], f[0]));
                Assert.True(valid == !f[0].EndsWith("other-key", StringComparison.Ordinal), f[0]);
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 10);
    }
}

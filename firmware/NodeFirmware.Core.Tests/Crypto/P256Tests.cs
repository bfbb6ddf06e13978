using System.Diagnostics;
using System.Numerics;
using System.Reflection;
using System.Security.Cryptography;
using NodeFirmware.Core.Crypto;
using NodeFirmware.Core.Provisioning;
using NodeFirmware.Core.Tests.Vectors;
using NodeFirmware.Core.Vectors;

namespace NodeFirmware.Core.Tests.Crypto;

/// <summary>
/// Core's P-256 against .NET's (which is the platform's OpenSSL here) on keys neither has seen, the constants Core writes
/// out as literals recomputed, and the certificate requests of firmware/vectors/p256.vec passed to `openssl req -verify`.
/// </summary>
public class P256Tests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 256) - BigInteger.Pow(2, 224) + BigInteger.Pow(2, 192) + BigInteger.Pow(2, 96) - 1;
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger R = BigInteger.Pow(2, 256);

    private static BigInteger Value(uint[] limbs)
    {
        BigInteger v = 0;
        for (int i = limbs.Length - 1; i >= 0; i--) v = (v << 32) + limbs[i];
        return v;
    }

    private static T Private<T>(string name) =>
        (T)typeof(P256Curve).GetField(name, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

    [Fact]
    public void Montgomery_constants_are_derived_from_the_moduli()
    {
        Assert.Equal(P, Value(Private<uint[]>("P")));
        Assert.Equal(N, Value(Private<uint[]>("N")));
        Assert.Equal(R * R % P, Value(Private<uint[]>("R2ModP")));
        Assert.Equal(R * R % N, Value(Private<uint[]>("R2ModN")));
        BigInteger w = BigInteger.Pow(2, 32);
        Assert.Equal(w - BigInteger.ModPow(P % w, w / 2 - 1, w), (BigInteger)Private<uint>("P0Inverse")); // odd x: x^-1 = x^(2^31 - 1) mod 2^32
        Assert.Equal(w - BigInteger.ModPow(N % w, w / 2 - 1, w), (BigInteger)Private<uint>("N0Inverse"));
        BigInteger x = Value(Private<uint[]>("Gx")), y = Value(Private<uint[]>("Gy")), b = Value(Private<uint[]>("B"));
        Assert.Equal(BigInteger.Zero, ((y * y - (x * x * x - 3 * x + b)) % P + P) % P);
    }

    [Fact]
    public void Field_arithmetic_matches_big_integers()
    {
        var random = new Random(256);
        var curve = new P256Curve();
        foreach (var (field, m) in new[] { (curve.Field, P), (curve.Order, N) })
        {
            for (int i = 0; i < 200; i++)
            {
                BigInteger a = RandomBelow(random, m, i), b = RandomBelow(random, m, i + 7);
                uint[] am = MontgomeryField.New(), bm = MontgomeryField.New(), o = MontgomeryField.New();
                field.ToMontgomery(am, Limbs(a));
                field.ToMontgomery(bm, Limbs(b));
                field.Mul(o, am, bm); field.FromMontgomery(o, o);
                Assert.Equal(a * b % m, Value(o));
                field.Add(o, am, bm); field.FromMontgomery(o, o);
                Assert.Equal((a + b) % m, Value(o));
                field.Sub(o, am, bm); field.FromMontgomery(o, o);
                Assert.Equal(((a - b) % m + m) % m, Value(o));
                if (a != 0)
                {
                    field.Inverse(o, am); field.FromMontgomery(o, o);
                    Assert.Equal(BigInteger.ModPow(a, m - 2, m), Value(o));
                }
            }
        }
    }

    /// <summary>Uniform values, and the edges: 0, 1, m − 1, m − 2^32 and values with all-ones limbs.</summary>
    private static BigInteger RandomBelow(Random random, BigInteger m, int i)
    {
        switch (i % 10)
        {
            case 0: return 0;
            case 1: return 1;
            case 2: return m - 1;
            case 3: return m - BigInteger.Pow(2, 32);
            default:
                var bytes = new byte[33];
                random.NextBytes(bytes);
                bytes[32] = 0;
                return new BigInteger(bytes) % m;
        }
    }

    private static uint[] Limbs(BigInteger v)
    {
        var limbs = new uint[8];
        for (int i = 0; i < 8; i++) limbs[i] = (uint)(v >> (32 * i) & uint.MaxValue);
        return limbs;
    }

    [Fact]
    public void Keys_made_by_Core_are_the_keys_dotnet_computes_and_their_signatures_verify_there()
    {
        for (int i = 0; i < 8; i++)
        {
            byte[] d = P256Ecdsa.GeneratePrivateKey(new Random(1000 + i));
            byte[] q = P256Ecdsa.PublicKey(d);
            using var dotnet = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
            var parameters = dotnet.ExportParameters(false);
            Assert.Equal([0x04, .. parameters.Q.X!, .. parameters.Q.Y!], q);

            byte[] message = System.Text.Encoding.UTF8.GetBytes("message " + i);
            byte[] signature = P256Ecdsa.SignMessage(d, message);
            Assert.True(dotnet.VerifyData(message, signature, HashAlgorithmName.SHA256));
            Assert.True(P256Ecdsa.Verify(q, SHA256.HashData(message), signature));
            Assert.True(P256Ecdsa.Verify(q, SHA256.HashData(message), dotnet.SignData(message, HashAlgorithmName.SHA256)));
            signature[10] ^= 4;
            Assert.False(P256Ecdsa.Verify(q, SHA256.HashData(message), signature));
        }
    }

    [Fact]
    public void Hmac_sha256_is_dotnets()
    {
        var random = new Random(6979);
        foreach (int keyLength in new[] { 0, 1, 32, 64, 65, 200 })
        {
            var key = new byte[keyLength];
            var message = new byte[keyLength * 3 + 1];
            random.NextBytes(key);
            random.NextBytes(message);
            Assert.Equal(HMACSHA256.HashData(key, message), HmacSha256.Compute(key, message));
        }
    }

    public static TheoryData<string> RequestCases()
    {
        var data = new TheoryData<string>();
        foreach (var v in P256File().Cases.Where(c => c.Text("op") == "csr" && !c.Text("expect").StartsWith("exception"))) data.Add(v.Name);
        return data;
    }

    private static VectorFile P256File() => VectorFile.Parse(File.ReadAllText(Path.Combine(VectorFileTests.Folder(), "p256.vec")));

    [Theory]
    [MemberData(nameof(RequestCases))]
    public void OpenSSL_accepts_the_certificate_requests_and_refuses_them_tampered(string name)
    {
        NodeFirmware.Core.Vectors.Vector v = P256File().Cases.Single(c => c.Name == name);
        byte[] csr = DeviceKey.FromPrivate(v.Bytes("priv")) is var key ? CsrBuilder.Build(key, v.Text("id")) : null!;
        Assert.Equal(v.Text("expect"), Convert.ToHexStringLower(csr));
        var (ok, output) = OpenSslVerify(csr);
        Assert.True(ok, output);
        Assert.Contains("CN = " + v.Text("id"), output);

        byte[] tampered = (byte[])csr.Clone();
        int at = Convert.ToHexStringLower(csr).IndexOf(Convert.ToHexStringLower(System.Text.Encoding.ASCII.GetBytes(v.Text("id"))), StringComparison.Ordinal) / 2;
        tampered[at + 17] ^= 1; // the last character of the CN: esp32-…6 → …7
        Assert.False(OpenSslVerify(tampered).Ok);
    }

    private static (bool Ok, string Output) OpenSslVerify(byte[] der)
    {
        string path = Path.Combine(Path.GetTempPath(), "p256-csr-" + Guid.NewGuid().ToString("N") + ".der");
        File.WriteAllBytes(path, der);
        try
        {
            var start = new ProcessStartInfo("openssl", ["req", "-in", path, "-inform", "DER", "-verify", "-noout", "-subject"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode == 0 && output.Contains("verify OK"), output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

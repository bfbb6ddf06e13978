using NodeFirmware.Core.Crypto;
using NSec.Cryptography;
using Ed25519 = NodeFirmware.Core.Crypto.Ed25519;

namespace NodeFirmware.Core.Tests.Crypto;

public class Ed25519Tests
{
    public static TheoryData<string> VectorNames()
    {
        var data = new TheoryData<string>();
        foreach (var v in Rfc8032Vectors.All) data.Add(v.Name);
        return data;
    }

    private static Rfc8032Vectors.Vector Find(string name) => Rfc8032Vectors.All.Single(v => v.Name == name);

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Rfc8032_vectors_verify(string name)
    {
        var v = Find(name);
        Assert.True(Ed25519.Verify(Convert.FromHexString(v.PublicKey), Convert.FromHexString(v.Message), Convert.FromHexString(v.Signature)));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Rfc8032_vectors_are_transcribed_correctly(string name)
    {
        // NSec derives the same key and, Ed25519 being deterministic, the same signature from the secret.
        var v = Find(name);
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(v.SecretKey), KeyBlobFormat.RawPrivateKey);
        Assert.Equal(v.PublicKey, Convert.ToHexStringLower(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
        Assert.Equal(v.Signature, Convert.ToHexStringLower(SignatureAlgorithm.Ed25519.Sign(key, Convert.FromHexString(v.Message))));
    }

    [Theory]
    [MemberData(nameof(VectorNames))]
    public void Rfc8032_vectors_fail_with_another_message(string name)
    {
        var v = Find(name);
        var message = Convert.FromHexString(v.Message).Concat(new byte[] { 0 }).ToArray();
        Assert.False(Ed25519.Verify(Convert.FromHexString(v.PublicKey), message, Convert.FromHexString(v.Signature)));
    }

    [Fact]
    public void Signatures_made_by_NSec_on_random_keys_and_messages_verify()
    {
        var random = new Random(8032);
        for (int i = 0; i < 12; i++)
        {
            using var key = Key.Create(SignatureAlgorithm.Ed25519);
            var message = new byte[random.Next(0, 600)];
            random.NextBytes(message);
            var signature = SignatureAlgorithm.Ed25519.Sign(key, message);
            var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
            Assert.True(Ed25519.Verify(publicKey, message, signature), "message length " + message.Length);
        }
    }

    [Fact]
    public void Any_single_bit_flip_in_message_signature_or_key_is_rejected()
    {
        var random = new Random(25519);
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var message = new byte[40];
        random.NextBytes(message);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, message);
        var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

        for (int bit = 0; bit < message.Length * 8; bit++)
            Assert.False(Ed25519.Verify(publicKey, Flip(message, bit), signature), "message bit " + bit);
        for (int bit = 0; bit < 512; bit++)
            Assert.False(Ed25519.Verify(publicKey, message, Flip(signature, bit)), "signature bit " + bit);
        for (int bit = 0; bit < 256; bit++)
            Assert.False(Ed25519.Verify(Flip(publicKey, bit), message, signature), "public key bit " + bit);
    }

    [Fact]
    public void Non_canonical_S_is_rejected_even_though_it_is_the_same_scalar_mod_L()
    {
        // S + L names the same scalar; a lax verifier would accept it (signature malleability).
        var v = Rfc8032Vectors.All[0];
        var signature = Convert.FromHexString(v.Signature);
        var s = new System.Numerics.BigInteger(signature.AsSpan(32, 32), isUnsigned: true);
        var l = System.Numerics.BigInteger.Pow(2, 252) + System.Numerics.BigInteger.Parse("27742317777372353535851937790883648493");
        var bumped = (s + l).ToByteArray(isUnsigned: true);
        Assert.True(bumped.Length <= 32);
        var forged = signature.ToArray();
        Array.Clear(forged, 32, 32);
        bumped.CopyTo(forged, 32);
        Assert.False(Ed25519.Verify(Convert.FromHexString(v.PublicKey), Convert.FromHexString(v.Message), forged));

        var sIsL = signature.ToArray();
        l.ToByteArray(isUnsigned: true).CopyTo(sIsL, 32);
        Assert.False(Scalar25519.IsCanonical(sIsL, 32));
        Assert.False(Ed25519.Verify(Convert.FromHexString(v.PublicKey), Convert.FromHexString(v.Message), sIsL));
    }

    [Fact]
    public void Non_canonical_public_key_encodings_are_rejected()
    {
        // y = p + 1 ≡ 1 would decode to the identity (0, 1) if y ≥ p were not refused.
        var yAboveP = Convert.FromHexString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        var curve = new EdwardsArithmetic();
        Assert.False(curve.Decode(yAboveP, 0, new EdwardsPoint()));
        // (0, 1) with the sign bit set: x = 0 cannot be "negative".
        var negativeZero = new byte[32];
        negativeZero[0] = 1;
        negativeZero[31] = 0x80;
        Assert.False(curve.Decode(negativeZero, 0, new EdwardsPoint()));
        negativeZero[31] = 0;
        Assert.True(curve.Decode(negativeZero, 0, new EdwardsPoint()));
        // y = 2 is not on the curve (x^2 = 3 / (4d + 1) is not a square).
        var notOnCurve = new byte[32];
        notOnCurve[0] = 2;
        Assert.False(curve.Decode(notOnCurve, 0, new EdwardsPoint()));
    }

    [Fact]
    public void Decode_then_encode_round_trips_real_keys()
    {
        var curve = new EdwardsArithmetic();
        foreach (var v in Rfc8032Vectors.All)
        {
            var bytes = Convert.FromHexString(v.PublicKey);
            var point = new EdwardsPoint();
            Assert.True(curve.Decode(bytes, 0, point));
            var back = new byte[32];
            curve.Encode(point, back, 0);
            Assert.Equal(bytes, back);
        }
    }

    [Fact]
    public void Scalar_reduction_matches_big_integer_arithmetic()
    {
        var l = System.Numerics.BigInteger.Pow(2, 252) + System.Numerics.BigInteger.Parse("27742317777372353535851937790883648493");
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var wide = new byte[64];
            random.NextBytes(wide);
            if (i == 0) Array.Fill(wide, (byte)0xff);
            var expected = new System.Numerics.BigInteger(wide, isUnsigned: true) % l;
            var actual = new System.Numerics.BigInteger(Scalar25519.Reduce(wide), isUnsigned: true);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Wrong_lengths_fail_and_nulls_throw()
    {
        var v = Rfc8032Vectors.All[1];
        var pk = Convert.FromHexString(v.PublicKey);
        var sig = Convert.FromHexString(v.Signature);
        var msg = Convert.FromHexString(v.Message);
        Assert.False(Ed25519.Verify(pk[..31], msg, sig));
        Assert.False(Ed25519.Verify(pk, msg, sig[..63]));
        Assert.Throws<ArgumentNullException>(() => Ed25519.Verify(null, msg, sig));
    }

    private static byte[] Flip(byte[] data, int bit)
    {
        var copy = data.ToArray();
        copy[bit >> 3] ^= (byte)(1 << (bit & 7));
        return copy;
    }
}

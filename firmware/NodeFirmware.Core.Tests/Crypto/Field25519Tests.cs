using System.Numerics;
using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Tests.Crypto;

/// <summary>Field arithmetic against BigInteger, including values at and above p and unreduced limbs.</summary>
public class Field25519Tests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    private static BigInteger Value(long[] e)
    {
        var bytes = new byte[32];
        Field25519.Pack(bytes, 0, e);
        return new BigInteger(bytes, isUnsigned: true);
    }

    private static long[] Element(BigInteger v)
    {
        var bytes = new byte[32];
        (((v % P) + P) % P).ToByteArray(isUnsigned: true).CopyTo(bytes, 0);
        var e = Field25519.New();
        Field25519.Unpack(e, bytes, 0);
        return e;
    }

    private static IEnumerable<BigInteger> Samples()
    {
        var random = new Random(255);
        yield return 0;
        yield return 1;
        yield return P - 1;
        yield return P - 19;
        yield return BigInteger.Pow(2, 255) - 20;
        for (int i = 0; i < 150; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            bytes[31] &= 0x7f;
            yield return new BigInteger(bytes, isUnsigned: true) % P;
        }
    }

    [Fact]
    public void Mul_add_sub_and_negate_agree_with_big_integers()
    {
        var samples = Samples().ToArray();
        for (int i = 0; i < samples.Length; i++)
        {
            var a = samples[i];
            var b = samples[(i * 7 + 3) % samples.Length];
            var o = Field25519.New();
            Field25519.Mul(o, Element(a), Element(b));
            Assert.Equal(a * b % P, Value(o));
            Field25519.Add(o, Element(a), Element(b));
            Assert.Equal((a + b) % P, Value(o));
            Field25519.Sub(o, Element(a), Element(b));
            Assert.Equal(((a - b) % P + P) % P, Value(o));
            Field25519.Negate(o, Element(a));
            Field25519.Mul(o, o, Element(b)); // unreduced negative limbs into a product
            Assert.Equal(((-a * b) % P + P) % P, Value(o));
        }
    }

    [Fact]
    public void Pack_is_canonical_for_encodings_at_and_above_p()
    {
        // Unpack accepts any 255-bit value; p .. 2^255-1 must pack to value - p.
        for (int k = 0; k < 19; k++)
        {
            var v = P + k;
            var bytes = v.ToByteArray(isUnsigned: true);
            Array.Resize(ref bytes, 32);
            var e = Field25519.New();
            Field25519.Unpack(e, bytes, 0);
            Assert.Equal(new BigInteger(k), Value(e));
        }
    }

    [Fact]
    public void Invert_and_the_square_root_of_minus_one()
    {
        foreach (var a in Samples().Where(s => !s.IsZero).Take(40))
        {
            var o = Field25519.New();
            Field25519.Invert(o, Element(a));
            Assert.Equal(BigInteger.One, a * Value(o) % P);
        }
        var i = Field25519.FromInt(2);
        Field25519.Pow(i, i, Field25519.Exponents.PMinus1Over4);
        var sq = Field25519.New();
        Field25519.Square(sq, i);
        Assert.Equal(P - 1, Value(sq));
    }
}

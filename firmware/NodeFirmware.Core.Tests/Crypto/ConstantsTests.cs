using System.Numerics;
using System.Reflection;
using NodeFirmware.Core.Crypto;

namespace NodeFirmware.Core.Tests.Crypto;

/// <summary>
/// The curve and field constants that Core writes out as literals (a static constructor may not compute them:
/// docs/firmware-core-rules.md) recomputed here with BigInteger from their definitions in RFC 8032.
/// </summary>
public class ConstantsTests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    private static T Private<T>(Type type, string name) =>
        (T)type.GetField(name, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

    private static BigInteger FieldValue(long[] limbs)
    {
        var bytes = new byte[32];
        Field25519.Pack(bytes, 0, limbs);
        return new BigInteger(bytes, isUnsigned: true);
    }

    private static BigInteger Mod(BigInteger v) => ((v % P) + P) % P;

    [Fact]
    public void Edwards_constants_are_the_curve_constants()
    {
        BigInteger d = Mod(-121665 * BigInteger.ModPow(121666, P - 2, P));
        Assert.Equal(d, FieldValue(Private<long[]>(typeof(EdwardsArithmetic), "D")));
        Assert.Equal(Mod(2 * d), FieldValue(Private<long[]>(typeof(EdwardsArithmetic), "D2")));
        BigInteger i = BigInteger.ModPow(2, (P - 1) / 4, P);
        Assert.Equal(P - 1, BigInteger.ModPow(i, 2, P));
        Assert.Equal(i, FieldValue(Private<long[]>(typeof(EdwardsArithmetic), "SqrtMinusOne")));
        Assert.Equal(BigInteger.One, FieldValue(Private<long[]>(typeof(EdwardsArithmetic), "One")));

        BigInteger y = Mod(4 * BigInteger.ModPow(5, P - 2, P));
        var encoding = Private<byte[]>(typeof(EdwardsArithmetic), "BaseEncoding");
        Assert.Equal(y, new BigInteger(encoding, isUnsigned: true)); // x of B is even: the sign bit is clear
    }

    [Fact]
    public void Field_exponents_are_what_their_names_say()
    {
        Assert.Equal(P - 2, new BigInteger(Field25519.Exponents.PMinus2, isUnsigned: true));
        Assert.Equal((P - 5) / 8, new BigInteger(Field25519.Exponents.PMinus5Over8, isUnsigned: true));
        Assert.Equal((P - 1) / 4, new BigInteger(Field25519.Exponents.PMinus1Over4, isUnsigned: true));
    }

    [Fact]
    public void Group_order_bytes_and_words_agree()
    {
        var bytes = Private<byte[]>(typeof(Scalar25519), "L");
        Assert.Equal(L, new BigInteger(bytes, isUnsigned: true));
        var words = Private<uint[]>(typeof(Scalar25519), "LWords");
        BigInteger fromWords = 0;
        for (int w = words.Length - 1; w >= 0; w--) fromWords = (fromWords << 32) | words[w];
        Assert.Equal(L, fromWords);
    }
}

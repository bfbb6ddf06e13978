using NodeFirmware.Core.Crypto;

// What the static-initialization rule must flag and must allow; read by StaticInitializationRuleTests.
namespace NodeFirmware.Core.Tests.Rules.Examples;

public static class ReadsAnotherTypesStatic
{
    public static readonly long[] One = Field25519.FromInt(1);
    public static readonly byte[] Exponent = Field25519.Exponents.PMinus2;
}

public static class ComputesInStaticConstructor
{
    public static readonly int Value;

    static ComputesInStaticConstructor()
    {
        Value = Square(3);
    }

    private static int Square(int x) => x * x;
}

public static class CreatesAnObject
{
    public static readonly object Lock = new object();
}

public static class LiteralsOnly
{
    public static readonly byte[] Bytes = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    public static readonly string[] Names = { "a", "b" };
    public static readonly long[] Limbs = { 1, 0, 0 };
    public static readonly int Answer = 42;
    public static readonly string Text = "text";
}

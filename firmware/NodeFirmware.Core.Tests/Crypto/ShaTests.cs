using NodeFirmware.Core.Crypto;
using Sys = System.Security.Cryptography;

namespace NodeFirmware.Core.Tests.Crypto;

public class ShaTests
{
    private static byte[] Ascii(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    // FIPS 180-4 examples (NIST CSRC "Examples with intermediate values"): "abc", "", the 448-bit message,
    // the 896-bit message (SHA-512's two-block example) and one million 'a'.
    public static TheoryData<string, string> Sha256Vectors => new()
    {
        { "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
    };

    public static TheoryData<string, string> Sha512Vectors => new()
    {
        { "abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
        { "", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445" },
        { "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909" },
    };

    [Theory]
    [MemberData(nameof(Sha256Vectors))]
    public void Sha256_matches_the_FIPS_180_4_examples(string message, string digest)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(Sha256.Hash(Ascii(message))));
    }

    [Theory]
    [MemberData(nameof(Sha512Vectors))]
    public void Sha512_matches_the_FIPS_180_4_examples(string message, string digest)
    {
        Assert.Equal(digest, Convert.ToHexStringLower(Sha512.Hash(Ascii(message))));
    }

    [Fact]
    public void One_million_a_fed_in_uneven_pieces()
    {
        var sha256 = new Sha256();
        var sha512 = new Sha512();
        var piece = Ascii(new string('a', 997));
        int left = 1_000_000;
        while (left > 0)
        {
            int n = Math.Min(left, piece.Length);
            sha256.Update(piece, 0, n);
            sha512.Update(piece, 0, n);
            left -= n;
        }
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(sha256.Final()));
        Assert.Equal("e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
            Convert.ToHexStringLower(sha512.Final()));
    }

    [Fact]
    public void Random_inputs_match_the_platform_in_one_shot_and_in_random_pieces()
    {
        var random = new Random(2024);
        for (int round = 0; round < 300; round++)
        {
            // Lengths around the block and padding boundaries are the interesting ones.
            int length = round < 260 ? round : random.Next(5000);
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Sys.SHA256.HashData(data), Sha256.Hash(data));
            Assert.Equal(Sys.SHA512.HashData(data), Sha512.Hash(data));

            var sha256 = new Sha256();
            var sha512 = new Sha512();
            int at = 0;
            while (at < length)
            {
                int n = Math.Min(length - at, random.Next(1, 300));
                sha256.Update(data, at, n);
                sha512.Update(data, at, n);
                at += n;
            }
            Assert.Equal(Sys.SHA256.HashData(data), sha256.Final());
            Assert.Equal(Sys.SHA512.HashData(data), sha512.Final());
        }
    }

    [Fact]
    public void Final_resets_so_an_instance_can_be_reused()
    {
        var sha = new Sha256();
        sha.Update(Ascii("something else"));
        sha.Final();
        sha.Update(Ascii("abc"));
        Assert.Equal(Sys.SHA256.HashData(Ascii("abc")), sha.Final());
    }

    [Fact]
    public void Out_of_range_pieces_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sha256().Update(new byte[4], 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sha512().Update(new byte[4], -1, 1));
    }
}

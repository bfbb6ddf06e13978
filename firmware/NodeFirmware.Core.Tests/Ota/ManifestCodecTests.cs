using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

public class ManifestCodecTests : IDisposable
{
    private readonly TestRelease _release = new();

    public void Dispose() => _release.Dispose();

    private static FirmwareManifest Sample() => new()
    {
        Version = new FirmwareVersion(1, 5, 0, 12),
        Boards = new[] { "esp32-devkitc-v4", "firebeetle-esp32" },
        MinLoaderVersion = 2,
        SecurityVersion = 3,
        CreatedUnixTime = 1_764_028_800,
        KeyId = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 },
        Files = new[]
        {
            new ManifestFile("NodeFirmware.Core.pe", 41_000, Enumerable.Repeat((byte)0xAB, 32).ToArray()),
            new ManifestFile("NodeFirmware.Device.pe", 12_345, Enumerable.Repeat((byte)0xCD, 32).ToArray()),
        },
    };

    [Fact]
    public void Encode_then_decode_keeps_every_field()
    {
        var m = Sample();
        var back = ManifestCodec.Decode(ManifestCodec.Encode(m));
        Assert.Equal("1.5.0+12", back.Version.ToString());
        Assert.Equal(m.Boards, back.Boards);
        Assert.Equal(2, back.MinLoaderVersion);
        Assert.Equal(3, back.SecurityVersion);
        Assert.Equal(1_764_028_800, back.CreatedUnixTime);
        Assert.Equal(m.KeyId, back.KeyId);
        Assert.Equal(m.Files.Select(f => (f.Name, f.Size, Convert.ToHexString(f.Sha256))), back.Files.Select(f => (f.Name, f.Size, Convert.ToHexString(f.Sha256))));
        Assert.Equal(53_345, back.TotalSize);
    }

    [Fact]
    public void The_encoding_is_plain_CBOR_that_a_standard_library_reads()
    {
        var r = new System.Formats.Cbor.CborReader(ManifestCodec.Encode(Sample()), System.Formats.Cbor.CborConformanceMode.Strict);
        int n = r.ReadStartMap() ?? -1;
        Assert.Equal(8, n);
        var keys = new List<string>();
        for (int i = 0; i < n; i++)
        {
            keys.Add(r.ReadTextString());
            r.SkipValue();
        }
        Assert.Equal(new[] { "v", "fw", "svn", "boards", "loader", "t", "kid", "files" }, keys);
    }

    /// <summary>A version 1 manifest by hand; with <paramref name="version"/> set, "v" (skipped by <paramref name="skip"/>) is written last with it.</summary>
    private static byte[] Build(Action<System.Formats.Cbor.CborWriter> extra, int extraPairs = 0, string? skip = null, bool duplicateV = false, uint? version = null)
    {
        var w = new System.Formats.Cbor.CborWriter(System.Formats.Cbor.CborConformanceMode.Lax);
        var keys = new[] { "v", "fw", "boards", "loader", "t", "kid", "files" }.Where(k => k != skip).ToArray();
        w.WriteStartMap(keys.Length + extraPairs + (duplicateV ? 1 : 0) + (version is null ? 0 : 1));
        foreach (var k in keys)
        {
            w.WriteTextString(k);
            switch (k)
            {
                case "v": w.WriteUInt32(1); break;
                case "fw": w.WriteStartArray(4); for (int i = 0; i < 4; i++) w.WriteUInt32(1); w.WriteEndArray(); break;
                case "boards": w.WriteStartArray(1); w.WriteTextString("b"); w.WriteEndArray(); break;
                case "loader": w.WriteUInt32(1); break;
                case "t": w.WriteUInt32(5); break;
                case "kid": w.WriteByteString(new byte[8]); break;
                case "files":
                    w.WriteStartArray(1);
                    w.WriteStartMap(3);
                    w.WriteTextString("n"); w.WriteTextString("a.pe");
                    w.WriteTextString("sz"); w.WriteUInt32(3);
                    w.WriteTextString("h"); w.WriteByteString(new byte[32]);
                    w.WriteEndMap();
                    w.WriteEndArray();
                    break;
            }
        }
        if (duplicateV) { w.WriteTextString("v"); w.WriteUInt32(1); }
        if (version is { } v) { w.WriteTextString("v"); w.WriteUInt32(v); }
        extra(w);
        w.WriteEndMap();
        return w.Encode();
    }

    [Fact]
    public void The_hand_built_reference_manifest_decodes()
    {
        Assert.Equal("a.pe", ManifestCodec.Decode(Build(_ => { })).Files[0].Name);
    }

    /// <summary>Build() makes a version 1 manifest; this turns it into version 2 with the given "svn" (or none).</summary>
    private static byte[] Version2(int? svn, bool keepVersion1 = false) => Build(w =>
    {
        if (svn is { } s) { w.WriteTextString("svn"); w.WriteUInt32((uint)s); }
    }, extraPairs: svn is null ? 0 : 1, skip: "v", version: keepVersion1 ? 1u : 2u);

    [Fact]
    public void A_version_1_manifest_reads_as_security_version_0_and_version_2_needs_svn()
    {
        Assert.Equal(0, ManifestCodec.Decode(Build(_ => { })).SecurityVersion);
        Assert.Equal(7, ManifestCodec.Decode(Version2(7)).SecurityVersion);
        Assert.Contains("'svn'", Assert.Throws<CborException>(() => ManifestCodec.Decode(Version2(null))).Message);
        Assert.Contains("'svn' needs format version 2", Assert.Throws<CborException>(() => ManifestCodec.Decode(Version2(7, keepVersion1: true))).Message);
    }

    [Fact]
    public void A_negative_svn_and_an_unknown_format_version_are_refused()
    {
        var negative = Build(w => { w.WriteTextString("svn"); w.WriteInt32(-1); }, extraPairs: 1, skip: "v", version: 2);
        Assert.Throws<CborException>(() => ManifestCodec.Decode(negative));
        Assert.Contains("format version 3", Assert.Throws<CborException>(() => ManifestCodec.Decode(Build(_ => { }, skip: "v", version: 3))).Message);
    }

    [Theory]
    [InlineData("files")]
    [InlineData("kid")]
    [InlineData("v")]
    public void A_missing_key_is_named(string key)
    {
        var e = Assert.Throws<CborException>(() => ManifestCodec.Decode(Build(_ => { }, skip: key)));
        Assert.Contains("'" + key + "'", e.Message);
    }

    [Fact]
    public void Unknown_and_duplicate_keys_are_refused()
    {
        Assert.Contains("unknown key 'allow_downgrade'", Assert.Throws<CborException>(() =>
            ManifestCodec.Decode(Build(w => { w.WriteTextString("allow_downgrade"); w.WriteBoolean(true); }, extraPairs: 1))).Message);
        Assert.Contains("duplicate key 'v'", Assert.Throws<CborException>(() => ManifestCodec.Decode(Build(_ => { }, duplicateV: true))).Message);
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        var bytes = ManifestCodec.Encode(Sample()).Append((byte)0).ToArray();
        Assert.Contains("trailing", Assert.Throws<CborException>(() => ManifestCodec.Decode(bytes)).Message);
    }

    [Theory]
    [InlineData("../boot.pe")]
    [InlineData("dir/file.pe")]
    [InlineData("dir\\file.pe")]
    [InlineData(".hidden")]
    [InlineData("")]
    [InlineData("manifest.nfm")]
    public void File_names_that_could_escape_the_slot_or_clash_are_refused(string name)
    {
        var m = Sample();
        m.Files[0] = new ManifestFile(name, 1, new byte[32]);
        Assert.Throws<ArgumentException>(() => ManifestCodec.Encode(m));
    }

    [Fact]
    public void Duplicate_file_names_are_refused()
    {
        var m = Sample();
        m.Files[1] = new ManifestFile(m.Files[0].Name, 1, new byte[32]);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => ManifestCodec.Encode(m)).Message);
    }

    [Fact]
    public void Random_garbage_never_escapes_as_anything_but_a_CborException()
    {
        var random = new Random(9);
        var good = ManifestCodec.Encode(Sample());
        for (int i = 0; i < 3000; i++)
        {
            var bytes = good.ToArray();
            for (int k = random.Next(1, 4); k > 0; k--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                ManifestCodec.Decode(bytes, 0, random.Next(bytes.Length + 1));
            }
            catch (CborException)
            {
            }
        }
    }

    [Fact]
    public void A_package_splits_back_into_manifest_signature_and_files()
    {
        var image = _release.MakeImage("2.0.0+3", new[] { 10, 0, 4000 }, seed: 3);
        byte[] package = FirmwarePackage.Build(image.Manifest, image.Signature, image.Files);
        var p = FirmwarePackage.Parse(package);
        Assert.Equal(image.Manifest, p.ManifestBytes);
        Assert.Equal(image.Signature, p.Signature);
        for (int i = 0; i < image.Files.Length; i++) Assert.Equal(image.Files[i], p.FileContent(package, i));
        Assert.Equal((byte)'N', package[0]);
        Assert.Equal(image.Manifest.Length, BitConverter.ToInt32(package, 4));

        Assert.Contains("add up", Assert.Throws<FormatException>(() => FirmwarePackage.Parse(package[..^1])).Message);
        Assert.Contains("add up", Assert.Throws<FormatException>(() => FirmwarePackage.Parse(package.Append((byte)1).ToArray())).Message);
        var noMagic = package.ToArray();
        noMagic[0] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<FormatException>(() => FirmwarePackage.Parse(noMagic)).Message);
    }

    [Theory]
    [InlineData("1.2.3", 1, 2, 3, 0)]
    [InlineData("10.0.7+42", 10, 0, 7, 42)]
    public void Versions_parse_and_print(string text, int major, int minor, int patch, int build)
    {
        var v = FirmwareVersion.Parse(text);
        Assert.Equal((major, minor, patch, build), (v.Major, v.Minor, v.Patch, v.Build));
        Assert.Equal(text, v.ToString());
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("1.x.3")]
    [InlineData("1.2.3+")]
    [InlineData("-1.2.3")]
    [InlineData("")]
    public void Bad_versions_are_refused_with_a_reason(string text)
    {
        var e = Assert.Throws<FormatException>(() => FirmwareVersion.Parse(text));
        Assert.Contains("version", e.Message);
    }

    [Fact]
    public void Versions_order_by_major_minor_patch_then_build()
    {
        string[] ascending = { "0.9.9+99", "1.0.0", "1.0.0+1", "1.0.1", "1.2.0", "2.0.0" };
        for (int i = 0; i < ascending.Length; i++)
            for (int j = 0; j < ascending.Length; j++)
                Assert.Equal(Math.Sign(i.CompareTo(j)), Math.Sign(FirmwareVersion.Parse(ascending[i]).CompareTo(FirmwareVersion.Parse(ascending[j]))));
    }
}

using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Ota;

namespace NodeFirmware.Core.Tests.Ota;

/// <summary>The signed downgrade authorization: its encoding, strict decoding, and every rule of the device's check.</summary>
public class DowngradeAuthorizationTests : IDisposable
{
    private const string Device = OtaDevice.DeviceId;
    private static readonly FirmwareVersion Running = FirmwareVersion.Parse("1.2.0");
    private readonly TestRelease _release = new();
    private readonly TestImage _target;
    private readonly byte[] _digest;

    public DowngradeAuthorizationTests()
    {
        _target = _release.MakeImage("1.1.0", new[] { 100 }, seed: 1, svn: 1);
        _digest = System.Security.Cryptography.SHA256.HashData(_target.Manifest);
    }

    public void Dispose() => _release.Dispose();

    private string? Check(TestAuthorization a, long lastCounter = 0, long now = 1_764_000_000, bool timeValid = true, string device = Device, string running = "1.2.0")
    {
        var verifier = new DowngradeAuthorizationVerifier(_release.PublicKey, device);
        var ok = verifier.Verify(a.Document, a.Signature, _digest, FirmwareVersion.Parse("1.1.0"), FirmwareVersion.Parse(running), lastCounter, now, timeValid, out var reason);
        Assert.Equal(ok is null, reason is not null);
        return reason;
    }

    [Fact]
    public void Encode_then_decode_keeps_every_field_and_a_standard_library_reads_it()
    {
        var a = _release.Authorize(_target, counter: 42, devices: new[] { "esp32-a", "esp32-b" }, from: new[] { "1.2.0", "1.2.1+3" }, expires: 1_800_000_000);
        var back = DowngradeAuthorizationCodec.Decode(a.Document);
        Assert.Equal(("1.1.0", 42L, 1_800_000_000L), (back.TargetVersion.ToString(), back.Counter, back.ExpiresUnixTime));
        Assert.Equal(new[] { "esp32-a", "esp32-b" }, back.DeviceIds);
        Assert.Equal(new[] { "1.2.0", "1.2.1+3" }, back.FromVersions.Select(v => v.ToString()));
        Assert.Equal(_digest, back.ManifestSha256);
        var r = new System.Formats.Cbor.CborReader(a.Document, System.Formats.Cbor.CborConformanceMode.Strict);
        var keys = new List<string>();
        int n = r.ReadStartMap()!.Value;
        for (int i = 0; i < n; i++) { keys.Add(r.ReadTextString()); r.SkipValue(); }
        Assert.Equal(new[] { "v", "kid", "fw", "md", "dev", "from", "ctr", "exp" }, keys);
    }

    [Fact]
    public void A_valid_authorization_passes()
    {
        Assert.Null(Check(_release.Authorize(_target, counter: 1)));
        Assert.Null(Check(_release.Authorize(_target, counter: 9), lastCounter: 8));
    }

    [Fact]
    public void The_signature_must_be_the_release_keys_over_the_context_prefixed_bytes()
    {
        var a = _release.Authorize(_target, counter: 1);
        // Signed without the context (as a manifest is signed): refused.
        Assert.Contains("signature", Check(a with { Signature = _release.Sign(a.Document) }));
        using var other = new TestRelease();
        Assert.Contains("signature", Check(a with { Signature = other.Sign(DowngradeAuthorizationCodec.SignedBytes(a.Document)) }));
        var tampered = (byte[])a.Document.Clone();
        tampered[^1] ^= 1;
        Assert.Contains("signature", Check(a with { Document = tampered }));
        // A manifest's own signature never passes for an authorization's.
        Assert.Contains("signature", Check(new TestAuthorization(_target.Manifest, _target.Signature)));
    }

    [Fact]
    public void It_binds_the_package_the_device_the_counter_and_the_expiry()
    {
        Assert.Contains("another package", Check(_release.Authorize(_target, 1, tweak: a => a.ManifestSha256 = new byte[32])));
        Assert.Contains("another package", Check(_release.Authorize(_target, 1, tweak: a => a.TargetVersion = FirmwareVersion.Parse("1.0.0"))));
        Assert.Contains("does not name this device", Check(_release.Authorize(_target, 1, devices: new[] { "esp32-other" })));
        Assert.Contains("does not name this device", Check(_release.Authorize(_target, 1, devices: Array.Empty<string>(), from: new[] { "1.3.0" })));
        Assert.Null(Check(_release.Authorize(_target, 1, devices: Array.Empty<string>(), from: new[] { "1.2.0" })));
        Assert.Contains("does not name this device", Check(_release.Authorize(_target, 1, from: new[] { "1.2.0" }), running: "1.2.1"));
        Assert.Contains("already used", Check(_release.Authorize(_target, 3), lastCounter: 3));
        Assert.Contains("already used", Check(_release.Authorize(_target, 2), lastCounter: 3));
        Assert.Contains("expired", Check(_release.Authorize(_target, 1, expires: 1_700_000_000)));
        Assert.Contains("clock is not set", Check(_release.Authorize(_target, 1, expires: 1_900_000_000), timeValid: false));
        Assert.Null(Check(_release.Authorize(_target, 1, expires: 1_900_000_000)));
        Assert.Contains("names key", Check(_release.Authorize(_target, 1, tweak: a => a.KeyId = new byte[8])));
    }

    [Fact]
    public void An_authorization_that_names_nobody_or_has_counter_0_cannot_be_made()
    {
        Assert.Throws<ArgumentException>(() => _release.Authorize(_target, 1, devices: Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => _release.Authorize(_target, 0));
        Assert.Throws<ArgumentException>(() => _release.Authorize(_target, 0x1_0000_0000L));
    }

    public static TheoryData<string, string> BadDocuments() => new()
    {
        // key order: v kid fw md dev from ctr exp; each case changes one thing
        { "duplicate", "duplicate key 'ctr'" },
        { "unknown", "unknown key 'dg'" },
        { "missing", "missing key 'exp'" },
        { "negative-counter", "negative" },
        { "trailing", "trailing" },
        { "wrong-type", "expected" },
        { "short-kid", "kid must be 8 bytes" },
        { "version-2", "format version" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void Bad_documents_are_refused_with_a_reason(string kind, string expected)
    {
        var w = new System.Formats.Cbor.CborWriter(System.Formats.Cbor.CborConformanceMode.Lax);
        int pairs = kind switch { "missing" => 7, _ => 8 };
        w.WriteStartMap(pairs);
        w.WriteTextString("v"); w.WriteUInt32(kind == "version-2" ? 2u : 1u);
        w.WriteTextString("kid"); w.WriteByteString(kind == "short-kid" ? new byte[4] : _release.KeyId);
        w.WriteTextString("fw"); w.WriteStartArray(4); w.WriteUInt32(1); w.WriteUInt32(1); w.WriteUInt32(0); w.WriteUInt32(0); w.WriteEndArray();
        w.WriteTextString("md"); w.WriteByteString(_digest);
        w.WriteTextString("dev"); w.WriteStartArray(1); w.WriteTextString(Device); w.WriteEndArray();
        w.WriteTextString("from"); w.WriteStartArray(0); w.WriteEndArray();
        w.WriteTextString("ctr");
        if (kind == "negative-counter") w.WriteInt32(-1);
        else if (kind == "wrong-type") w.WriteTextString("7");
        else w.WriteUInt32(7);
        if (kind != "missing")
        {
            w.WriteTextString(kind switch { "duplicate" => "ctr", "unknown" => "dg", _ => "exp" });
            w.WriteUInt32(kind == "unknown" ? 1u : 0u);
        }
        w.WriteEndMap();
        var bytes = w.Encode();
        if (kind == "trailing") bytes = bytes.Append((byte)0xF6).ToArray();
        Assert.Contains(expected, Assert.Throws<CborException>(() => DowngradeAuthorizationCodec.Decode(bytes)).Message);
    }

    [Fact]
    public void Truncated_and_oversized_documents_are_refused()
    {
        var doc = _release.Authorize(_target, 1).Document;
        for (int n = 0; n < doc.Length; n++) Assert.Throws<CborException>(() => DowngradeAuthorizationCodec.Decode(doc[..n]));
        Assert.Throws<CborException>(() => DowngradeAuthorizationCodec.Decode(new byte[DowngradeAuthorizationCodec.MaxEncodedSize + 1]));
        var many = Enumerable.Range(0, DowngradeAuthorizationCodec.MaxDevices + 1).Select(i => "esp32-" + i).ToArray();
        Assert.Throws<ArgumentException>(() => _release.Authorize(_target, 1, devices: many));
    }
}

using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Node;
using NodeFirmware.Core.Ota;
using SysCbor = System.Formats.Cbor;

namespace NodeFirmware.Core.Tests.Cbor;

/// <summary>
/// Every decoder of a message that reaches the device over the network refuses a duplicate key (no "last one
/// wins"), bytes after the top-level item, truncation, oversized input, wrong types, and negative values for
/// unsigned fields (a configuration revision of -1 is not 4294967295).
/// </summary>
public class StrictDecodingTests
{
    private static byte[] Map(params (string Key, object Value)[] pairs)
    {
        var w = new SysCbor.CborWriter(SysCbor.CborConformanceMode.Lax);
        w.WriteStartMap(pairs.Length);
        foreach (var (key, value) in pairs)
        {
            w.WriteTextString(key);
            switch (value)
            {
                case string s: w.WriteTextString(s); break;
                case byte[] b: w.WriteByteString(b); break;
                case bool b: w.WriteBoolean(b); break;
                case long l: w.WriteInt64(l); break;
                case int i: w.WriteInt32(i); break;
                default: throw new ArgumentException("unsupported " + value);
            }
        }
        w.WriteEndMap();
        return w.Encode();
    }

    private static readonly byte[] Manifest = { 0xA0 };
    private static readonly byte[] Signature = new byte[64];

    // ---- the helper itself --------------------------------------------------------------------------

    [Fact]
    public void CborMapKeys_refuses_duplicates_non_text_keys_and_too_many_pairs()
    {
        var keys = new CborMapKeys(new CborReader(Map(("a", 1), ("b", 2))), "t", 4);
        Assert.True(keys.Next()); Assert.Equal("a", keys.Key);
        Assert.False(keys.Has("b"));
        Assert.Throws<CborException>(() => keys.Next()); // the value of "a" was not read: the key position holds 1
        var r = new CborReader(Map(("a", 1), ("a", 2)));
        var dup = new CborMapKeys(r, "t", 4);
        dup.Next(); r.SkipValue();
        Assert.Contains("t: duplicate key 'a'", Assert.Throws<CborException>(() => dup.Next()).Message);
        Assert.Contains("at most 1", Assert.Throws<CborException>(() => new CborMapKeys(new CborReader(Map(("a", 1), ("b", 2))), "t", 1)).Message);
        Assert.Throws<CborException>(() => new CborMapKeys(new CborReader(new byte[] { 0xA1, 0x01, 0x02 }), "t", 4).Next());
    }

    [Fact]
    public void The_reader_refuses_negative_numbers_for_unsigned_fields_and_trailing_bytes()
    {
        Assert.Contains("negative", Assert.Throws<CborException>(() => new CborReader(new byte[] { 0x20 }).ReadUInt32()).Message);
        Assert.Contains("negative", Assert.Throws<CborException>(() => new CborReader(new byte[] { 0x20 }).ReadNonNegativeInt32()).Message);
        Assert.Throws<CborException>(() => new CborReader(new byte[] { 0x1B, 0, 0, 0, 1, 0, 0, 0, 0 }).ReadUInt32());
        Assert.Throws<CborException>(() => new CborReader(new byte[] { 0x1A, 0x80, 0, 0, 0 }).ReadNonNegativeInt32());
        Assert.Equal(uint.MaxValue, new CborReader(new byte[] { 0x1A, 0xFF, 0xFF, 0xFF, 0xFF }).ReadUInt32());
        var r = new CborReader(new byte[] { 0x01, 0x02 });
        r.ReadUInt32();
        Assert.Contains("1 trailing byte", Assert.Throws<CborException>(() => r.ExpectEnd("x")).Message);
    }

    // ---- offers, requests, chunks -------------------------------------------------------------------

    public static TheoryData<string, byte[], string> BadOffers() => new()
    {
        { "duplicate c", Map(("c", "a"), ("m", Manifest), ("sig", Signature), ("cs", 512), ("c", "b")), "duplicate key 'c'" },
        { "duplicate m", Map(("c", "a"), ("m", Manifest), ("m", new byte[] { 0xA1 }), ("sig", Signature), ("cs", 512)), "duplicate key 'm'" },
        { "duplicate unknown", Map(("c", "a"), ("m", Manifest), ("sig", Signature), ("cs", 512), ("x", 1), ("x", 2)), "duplicate key 'x'" },
        { "trailing", Map(("c", "a"), ("m", Manifest), ("sig", Signature), ("cs", 512)).Append((byte)0x00).ToArray(), "trailing" },
        { "negative cs", Map(("c", "a"), ("m", Manifest), ("sig", Signature), ("cs", -1)), "negative" },
        { "text cs", Map(("c", "a"), ("m", Manifest), ("sig", Signature), ("cs", "512")), "expected" },
        { "auth without asig", Map(("c", "a"), ("m", Manifest), ("sig", Signature), ("cs", 512), ("auth", new byte[] { 0xA0 })), "'auth' and 'asig'" },
        { "no campaign", Map(("m", Manifest), ("sig", Signature), ("cs", 512)), "campaign" },
        { "oversized", Map(("c", "a"), ("m", new byte[OtaMessages.MaxOfferSize]), ("sig", Signature), ("cs", 512)), "too large" },
        { "not a map", new byte[] { 0x80 }, "expected map" },
    };

    [Theory]
    [MemberData(nameof(BadOffers))]
    public void Bad_offers_are_refused(string why, byte[] payload, string expected)
    {
        Assert.Contains(expected, Assert.Throws<CborException>(() => OtaMessages.DecodeOffer(payload)).Message);
        Assert.NotNull(why);
    }

    [Fact]
    public void A_good_offer_round_trips_and_every_truncation_of_it_is_refused()
    {
        var offer = OtaMessages.EncodeOffer(new OtaOffer
        {
            CampaignId = "c-1", Manifest = Manifest, Signature = Signature, ChunkSize = 512,
            Authorization = new byte[] { 1, 2 }, AuthorizationSignature = new byte[64],
        });
        var back = OtaMessages.DecodeOffer(offer);
        Assert.Equal(("c-1", 512), (back.CampaignId, back.ChunkSize));
        Assert.Equal(new byte[] { 1, 2 }, back.Authorization);
        for (int n = 0; n < offer.Length; n++) Assert.Throws<CborException>(() => OtaMessages.DecodeOffer(offer[..n]));
    }

    [Fact]
    public void Bad_requests_and_chunks_are_refused()
    {
        Assert.Contains("duplicate key 'o'", Assert.Throws<CborException>(() => OtaMessages.DecodeRequest(Map(("c", "a"), ("f", 0), ("o", 0), ("n", 10), ("o", 4096)))).Message);
        Assert.Contains("negative", Assert.Throws<CborException>(() => OtaMessages.DecodeRequest(Map(("c", "a"), ("f", -1), ("o", 0), ("n", 10)))).Message);
        Assert.Contains("trailing", Assert.Throws<CborException>(() => OtaMessages.DecodeRequest(Map(("c", "a"), ("f", 0), ("o", 0), ("n", 10)).Append((byte)1).ToArray())).Message);
        Assert.Contains("too large", Assert.Throws<CborException>(() => OtaMessages.DecodeRequest(Map(("c", "a"), ("f", 0), ("o", 0), ("n", 10), ("pad", new byte[300])))).Message);
        var chunk = Map(("c", "a"), ("f", 0), ("o", 0), ("d", new byte[] { 1 }), ("crc", 5L));
        Assert.Equal(5u, OtaMessages.DecodeChunk(chunk).Crc);
        Assert.Contains("duplicate key 'd'", Assert.Throws<CborException>(() => OtaMessages.DecodeChunk(Map(("c", "a"), ("f", 0), ("o", 0), ("d", new byte[] { 1 }), ("d", new byte[] { 2 }), ("crc", 5L)))).Message);
        Assert.Contains("negative", Assert.Throws<CborException>(() => OtaMessages.DecodeChunk(Map(("c", "a"), ("f", 0), ("o", 0), ("d", new byte[] { 1 }), ("crc", -5L)))).Message);
        Assert.Throws<CborException>(() => OtaMessages.DecodeChunk(Map(("c", "a"), ("f", 0), ("o", 0), ("d", new byte[] { 1 }), ("crc", 0x1_0000_0000L))));
        Assert.Contains("trailing", Assert.Throws<CborException>(() => OtaMessages.DecodeChunk(chunk.Append((byte)0xF6).ToArray())).Message);
        Assert.Contains("too large", Assert.Throws<CborException>(() => OtaMessages.DecodeChunk(Map(("c", "a"), ("f", 0), ("o", 0), ("d", new byte[OtaMessages.MaxChunkSize + 300]), ("crc", 5L)))).Message);
        Assert.Contains("expected byte string", Assert.Throws<CborException>(() => OtaMessages.DecodeChunk(Map(("c", "a"), ("f", 0), ("o", 0), ("d", "text"), ("crc", 5L)))).Message);
        for (int n = 0; n < chunk.Length; n++) Assert.Throws<CborException>(() => OtaMessages.DecodeChunk(chunk[..n]));
    }

    // ---- commands -----------------------------------------------------------------------------------

    [Theory]
    [InlineData("duplicate op", "duplicate key 'op'")]
    [InlineData("trailing", "trailing")]
    [InlineData("oversized", "over 512 bytes")]
    [InlineData("wrong type", "expected text")]
    [InlineData("truncated", "malformed command")]
    public void Bad_commands_are_refused(string kind, string expected)
    {
        byte[] payload = kind switch
        {
            "duplicate op" => Map(("id", "1"), ("op", "ping"), ("op", "reboot")),
            "trailing" => Map(("id", "1"), ("op", "reboot")).Append((byte)0).ToArray(),
            "oversized" => Map(("id", "1"), ("op", "ping"), ("pad", new byte[600])),
            "wrong type" => Map(("id", "1"), ("op", 7)),
            _ => Map(("id", "1"), ("op", "reboot"))[..^2],
        };
        Assert.False(CommandHandler.TryDecode(payload, out _, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_good_command_with_extra_arguments_still_decodes()
    {
        Assert.True(CommandHandler.TryDecode(Map(("id", "7"), ("op", "ping"), ("arg", 3)), out var id, out var op, out _));
        Assert.Equal(("7", "ping"), (id, op));
    }

    // ---- configuration ------------------------------------------------------------------------------

    [Theory]
    [InlineData(-1L, "rev must not be negative")]
    [InlineData(-4294967296L, "rev must not be negative")]
    [InlineData(4294967296L, "out of 32-bit unsigned range")]
    public void A_revision_out_of_the_unsigned_range_is_refused_not_wrapped(long rev, string expected)
    {
        Assert.Null(ConfigCodec.Apply(new DeviceConfig(), Map(("rev", rev)), out var reason));
        Assert.Contains(expected, reason);
    }

    [Fact]
    public void The_largest_revision_is_accepted()
    {
        Assert.Equal(uint.MaxValue, ConfigCodec.Apply(new DeviceConfig(), Map(("rev", 4294967295L)), out _)!.Revision);
    }

    [Theory]
    [InlineData("duplicate")]
    [InlineData("trailing")]
    [InlineData("negative")]
    [InlineData("huge")]
    [InlineData("wrong type")]
    [InlineData("oversized")]
    [InlineData("truncated")]
    public void Bad_configurations_are_refused_whole(string kind)
    {
        byte[] payload = kind switch
        {
            "duplicate" => Map(("sample_s", 30), ("report_s", 600), ("sample_s", 3600)),
            "trailing" => Map(("sample_s", 30)).Append((byte)0xA0).ToArray(),
            "negative" => Map(("bat_crit_mv", -5)),
            "huge" => Map(("sample_s", 3_000_000_000L)),
            "wrong type" => Map(("sample_s", "30")),
            "oversized" => Enumerable.Repeat((byte)0, 1025).ToArray(),
            _ => Map(("sample_s", 30), ("report_s", 600))[..^1],
        };
        var current = new DeviceConfig { SampleIntervalSeconds = 120, ReportIntervalSeconds = 1200 };
        Assert.Null(ConfigCodec.Apply(current, payload, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
        if (kind == "duplicate") Assert.Contains("duplicate key 'sample_s'", reason);
        if (kind == "trailing") Assert.Contains("trailing", reason);
        Assert.Equal(120, current.SampleIntervalSeconds);
    }
}

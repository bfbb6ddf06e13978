using CsCheck;
using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Node;

namespace NodeFirmware.Core.Tests.Cbor;

/// <summary>Every decoder in Core answers truncated, oversized and random input with its own error, never another exception.</summary>
public class CborReaderFuzzTests
{
    private static void ReadEverything(byte[] input)
    {
        var r = new CborReader(input);
        while (!r.AtEnd) r.SkipValue();
    }

    [Fact]
    public void Random_bytes_raise_only_CborException()
    {
        Gen.Byte.Array[0, 300].Sample(bytes =>
        {
            try { ReadEverything(bytes); }
            catch (CborException) { }
        }, iter: 20_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Every_truncation_of_a_valid_document_raises_CborException()
    {
        var doc = ConfigCodec.Encode(new DeviceConfig());
        for (int cut = 0; cut < doc.Length; cut++)
        {
            var part = doc[..cut];
            if (cut == 0) { Assert.True(new CborReader(part).AtEnd); continue; }
            Assert.Throws<CborException>(() => new CborReader(part).SkipValue());
        }
    }

    [Fact]
    public void Lying_lengths_and_deep_nesting_are_refused_without_allocating()
    {
        Assert.Throws<CborException>(() => new CborReader(new byte[] { 0x5B, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }).ReadBytes());
        Assert.Throws<CborException>(() => new CborReader(new byte[] { 0x9B, 0x00, 0x00, 0x00, 0x10, 0, 0, 0, 0 }).ReadStartArray());
        Assert.Throws<CborException>(() => new CborReader(new byte[] { 0x5F, 0x41, 0x00, 0xFF }).SkipValue()); // indefinite length
        var deep = Enumerable.Repeat((byte)0x81, 40).Append((byte)0x00).ToArray();
        Assert.Throws<CborException>(() => new CborReader(deep).SkipValue());
        Assert.Throws<CborException>(() => new CborReader(new byte[] { 0x62, 0xC3, 0x28 }).ReadText()); // invalid UTF-8
    }

    [Fact]
    public void Bit_flipped_configs_and_commands_are_refused_with_a_reason_or_accepted_whole()
    {
        var doc = ConfigCodec.Encode(new DeviceConfig { SampleIntervalSeconds = 30, ReportIntervalSeconds = 600 });
        Gen.Int[0, doc.Length * 8 - 1].Array[1, 4].Sample(flips =>
        {
            var mutated = (byte[])doc.Clone();
            foreach (var f in flips) mutated[f / 8] ^= (byte)(1 << (f % 8));
            var result = ConfigCodec.Apply(new DeviceConfig(), mutated, out var reason);
            Assert.True(result != null ? reason == null && ConfigValidator.Validate(result) == null : !string.IsNullOrEmpty(reason));
            CommandHandler.TryDecode(mutated, out _, out _, out _);
        }, iter: 20_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Writer_and_System_Formats_Cbor_agree_on_integers_and_text()
    {
        Gen.Select(Gen.Long, Gen.String).Sample((n, s) =>
        {
            var w = new CborWriter();
            w.WriteStartArray(2); w.WriteInt64(n); w.WriteText(s);
            var reference = new System.Formats.Cbor.CborWriter();
            reference.WriteStartArray(2); reference.WriteInt64(n); reference.WriteTextString(s); reference.WriteEndArray();
            var expected = reference.Encode();
            if (!s.Any(char.IsSurrogate)) Assert.Equal(expected, w.ToArray());
            var r = new CborReader(expected);
            r.ReadStartArray();
            Assert.Equal(n, r.ReadInt64());
            if (!s.Any(char.IsSurrogate)) Assert.Equal(s, r.ReadText());
        }, iter: 5_000, seed: "0N0XIzNsQ0O2");
    }
}

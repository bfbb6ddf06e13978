using NodeFirmware.Core.Config;
using SysCbor = System.Formats.Cbor;

namespace NodeFirmware.Core.Tests.Config;

public class ConfigTests
{
    [Fact]
    public void The_defaults_are_valid_and_round_trip()
    {
        var c = new DeviceConfig { Revision = 7, SampleIntervalSeconds = 30, ReportIntervalSeconds = 600, FilterCoefficient = 4 };
        Assert.Null(ConfigValidator.Validate(new DeviceConfig()));
        var back = ConfigCodec.Apply(new DeviceConfig(), ConfigCodec.Encode(c), out var reason);
        Assert.Null(reason);
        Assert.Equivalent(c, back);
    }

    [Fact]
    public void The_encoding_is_a_map_an_independent_decoder_reads()
    {
        var reader = new SysCbor.CborReader(ConfigCodec.Encode(new DeviceConfig { SampleIntervalSeconds = 42 }), SysCbor.CborConformanceMode.Strict);
        int? count = reader.ReadStartMap();
        var keys = new Dictionary<string, long>();
        for (int i = 0; i < count; i++) keys[reader.ReadTextString()] = reader.ReadInt64();
        Assert.Equal(42, keys["sample_s"]);
        Assert.Equal(900, keys["report_s"]);
    }

    [Fact]
    public void A_partial_document_overlays_the_current_config()
    {
        var current = new DeviceConfig { SampleIntervalSeconds = 120, ReportIntervalSeconds = 1200 };
        var result = ConfigCodec.Apply(current, Map(("report_s", 3600), ("rev", 9)), out var reason);
        Assert.Null(reason);
        Assert.Equal(120, result.SampleIntervalSeconds);
        Assert.Equal(3600, result.ReportIntervalSeconds);
        Assert.Equal(9u, result.Revision);
        Assert.Equal(1200, current.ReportIntervalSeconds); // the current one is untouched
    }

    [Theory]
    [InlineData("sample_s", 0, "sample_s")]
    [InlineData("report_s", 10, "report_s")]
    [InlineData("batch", 513, "batch")]
    [InlineData("os_t", 3, "os_t")]
    [InlineData("os_t", 0, "os_t")]
    [InlineData("filter", 1, "filter")]
    [InlineData("bat_crit_mv", 3600, "bat_crit_mv")]
    [InlineData("low_factor", 65, "low_factor")]
    [InlineData("backoff_base_s", 7200, "backoff_base_s")]
    [InlineData("listen_ms", 70000, "listen_ms")]
    [InlineData("ack_ms", 60001, "ack_ms")]
    [InlineData("colour", 1, "colour")]
    public void A_bad_value_or_key_is_refused_with_a_reason_naming_it(string key, int value, string named)
    {
        var result = ConfigCodec.Apply(new DeviceConfig(), Map((key, value)), out var reason);
        Assert.Null(result);
        Assert.Contains(named, reason);
    }

    [Fact]
    public void Garbage_is_refused_not_thrown()
    {
        Assert.Null(ConfigCodec.Apply(new DeviceConfig(), new byte[] { 0xA1, 0x61 }, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
        Assert.Null(ConfigCodec.Apply(new DeviceConfig(), new byte[] { 0x01 }, out reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    private static byte[] Map(params (string Key, int Value)[] entries)
    {
        var w = new SysCbor.CborWriter();
        w.WriteStartMap(entries.Length);
        foreach (var (key, value) in entries) { w.WriteTextString(key); w.WriteInt32(value); }
        w.WriteEndMap();
        return w.Encode();
    }
}

using NodeFirmware.Nodectl.Campaigns;

namespace NodeFirmware.Nodectl.Tests.Campaigns;

/// <summary><c>nodectl campaign create</c>'s gate options: what they put in the body, and each value the receiver would refuse, named before sending.</summary>
public sealed class CampaignCreateGateTests
{
    private static CampaignCreateGate? From(bool gated = false, string? stages = null, long? dwell = null, double? rate = null, double? crashFree = null,
        double? reconnect = null, double? slack = null, double? wake = null, double? drain = null, int? min = null) =>
        CampaignCreateGate.From(gated, stages, dwell, rate, crashFree, reconnect, slack, wake, drain, min);

    [Fact]
    public void No_gate_option_keeps_canary_then_rest_and_gated_alone_asks_for_the_receivers_defaults()
    {
        Assert.Null(From());
        var defaults = From(gated: true)!;
        Assert.Equal(new CampaignCreateGate(null, null, null, null, null, null, null, null, null), defaults);
        Assert.Equal("health-gated stages (receiver default)", defaults.Describe());
    }

    [Fact]
    public void Every_option_goes_in_its_field_and_any_one_implies_a_gate()
    {
        var gate = From(stages: " 1, 10 ,50%,100 ", dwell: 3600, rate: 2.5, crashFree: 0, reconnect: 2, slack: 0.5, wake: 1, drain: 1.2, min: 5)!;
        Assert.Equal([1, 10, 50, 100], gate.Stages!);
        Assert.Equal((3600L, 2.5, 0.0, 2.0, 0.5, 1.0, 1.2, 5), (gate.DwellSeconds, gate.DevicesPerMinute, gate.CrashFreeDrop, gate.ReconnectRatio,
            gate.ReconnectSlackPerDay, gate.WakeToPublishRatio, gate.DrainRatio, gate.MinDevices));
        Assert.Equal("health-gated stages 1 → 10 → 50 → 100 %, dwell 3600 s, 2.5 devices/min", gate.Describe());
        Assert.Equal(new CampaignCreateGate(null, null, null, null, null, null, null, null, 1), From(min: 1));
        Assert.Equal([100.0], From(stages: "100")!.Stages!);
        Assert.Equal([0.5, 100], From(stages: "0.5,100")!.Stages!);
    }

    public static TheoryData<string, Func<CampaignCreateGate?>, string> Refusals => new()
    {
        { "not a number", () => From(stages: "1,ten,100"), "--stages: 'ten' is not a percentage; give comma-separated percentages" },
        { "empty entry", () => From(stages: "1,,100"), "--stages: '' is not a percentage" },
        { "negative", () => From(stages: "-1,100"), "--stages: '-1' is not a percentage" },
        { "not a number at all", () => From(stages: "NaN"), "'NaN' is not a percentage" },
        { "a local decimal comma", () => From(stages: "0,5,100"), "--stages: stage 1 is 0 %; each must be in (0, 100]" },
        { "over 100", () => From(stages: "10,150"), "stage 2 is 150 %; each must be in (0, 100]" },
        { "not growing", () => From(stages: "10,5,100"), "--stages must grow: stage 2 (5 %) is not above stage 1 (10 %)" },
        { "repeated", () => From(stages: "10,10,100"), "--stages must grow: stage 2 (10 %) is not above stage 1 (10 %)" },
        { "not ending at 100", () => From(stages: "1,10,50"), "--stages: the last stage must be 100 %, not 50 %" },
        { "too many", () => From(stages: string.Join(',', Enumerable.Range(1, 10).Select(i => i * 9)) + ",100"), "--stages lists 11 stages; the receiver takes at most 10" },
        { "too long", () => From(stages: new string('1', 300)), "--stages is 300 characters" },
        { "dwell zero", () => From(dwell: 0), "--dwell-seconds must be 1..2592000 (30 days), not 0" },
        { "dwell over 30 days", () => From(dwell: 2_592_001), "--dwell-seconds must be 1..2592000 (30 days), not 2592001" },
        { "rate zero", () => From(rate: 0), "--devices-per-minute must be in (0, 10000], not 0" },
        { "rate too high", () => From(rate: 10_001), "--devices-per-minute must be in (0, 10000], not 10001" },
        { "rate NaN", () => From(rate: double.NaN), "--devices-per-minute must be in (0, 10000], not NaN" },
        { "crash-free drop over 1", () => From(crashFree: 1.5), "--crash-free-drop must be in [0, 1], not 1.5" },
        { "reconnect ratio below 1", () => From(reconnect: 0.5), "--reconnect-ratio must be in [1, 100], not 0.5" },
        { "negative slack", () => From(slack: -1), "--reconnect-slack-per-day must be in [0, 1000], not -1" },
        { "wake ratio over 100", () => From(wake: 101), "--wake-to-publish-ratio must be in [1, 100], not 101" },
        { "drain ratio below 1", () => From(drain: 0.9), "--drain-ratio must be in [1, 100], not 0.9" },
        { "no devices to judge", () => From(min: 0), "--min-devices must be 1..100000, not 0" },
        { "too many devices to judge", () => From(min: 100_001), "--min-devices must be 1..100000, not 100001" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_the_receiver_would_refuse_is_named_with_its_option(string why, Func<CampaignCreateGate?> build, string reason)
    {
        var e = Assert.Throws<ArgumentException>(build);
        Assert.True(e.Message.Contains(reason, StringComparison.Ordinal), $"{why}: {e.Message}");
    }

    [Fact]
    public void A_gate_with_a_canary_share_is_refused_and_a_gate_goes_in_the_body()
    {
        var gate = From(stages: "50,100")!;
        var e = Assert.Throws<ArgumentException>(() => CampaignCreateRequest.Build(null, "2.0.0", null, null, null, null, 10, null, null, null, null, false, gate: gate));
        Assert.Contains("--canary-percent is for canary → rest", e.Message);
        var (request, describes) = CampaignCreateRequest.Build(null, "2.0.0", null, null, null, null, null, null, null, null, null, false, gate: gate);
        Assert.Same(gate, request.Gate);
        Assert.Contains("; health-gated stages 50 → 100 %", describes);
        Assert.Null(CampaignCreateRequest.Build(null, "2.0.0", null, null, null, null, 10, null, null, null, null, false).Request.Gate);
    }
}

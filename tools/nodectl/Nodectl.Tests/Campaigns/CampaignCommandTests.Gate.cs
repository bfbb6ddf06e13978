using System.Text.Json;
using NodeFirmware.Nodectl.Campaigns;

namespace NodeFirmware.Nodectl.Tests.Campaigns;

/// <summary>
/// <c>nodectl campaign create</c> with health-gated stages and a rollback, against the real receiver: the plan it stores, the
/// stage status shows, and refusals. A part of <see cref="CampaignCommandTests"/>: one receiver fixture, since it sets the
/// process's passphrase variable.
/// </summary>
public sealed partial class CampaignCommandTests
{
    [Fact]
    public void A_gated_campaign_with_a_rollback_is_stored_with_every_gate_option_and_status_shows_its_stage()
    {
        var devices = cloud.Register(4, "gated");
        var (previous, authorization) = cloud.Downgrade("1.3.0", 11, [.. devices]);
        var (exit, created, err) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.Package, "--tags", "gated",
            "--stages", "50,100", "--dwell-seconds", "3600", "--devices-per-minute", "2", "--crash-free-drop", "0.1", "--reconnect-ratio", "2",
            "--reconnect-slack-per-day", "0.5", "--wake-to-publish-ratio", "1.5", "--drain-ratio", "1.2", "--min-devices", "1",
            "--rollback-package", previous, "--rollback-authorization", authorization, "--name", "gated rollout");
        Assert.True(exit == 0, err);
        Assert.Contains("health-gated stages 50 → 100 %, dwell 3600 s, 2 devices/min", err);
        var campaign = created.GetProperty("campaign");
        var gate = campaign.GetProperty("gate");
        Assert.Equal([50.0, 100], gate.GetProperty("stagePercents").EnumerateArray().Select(p => p.GetDouble()));
        Assert.Equal((3600L, 2.0, 1), (gate.GetProperty("dwellSeconds").GetInt64(), gate.GetProperty("devicesPerMinute").GetDouble(), gate.GetProperty("stage").GetInt32()));
        var t = gate.GetProperty("thresholds");
        Assert.Equal((0.1, 2.0, 0.5, 1.5, 1.2, 1), (t.GetProperty("crashFreeDrop").GetDouble(), t.GetProperty("reconnectRatio").GetDouble(),
            t.GetProperty("reconnectSlackPerDay").GetDouble(), t.GetProperty("wakeToPublishRatio").GetDouble(), t.GetProperty("drainRatio").GetDouble(),
            t.GetProperty("minDevices").GetInt32()));
        Assert.Equal(["current", "pending"], gate.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal("1.3.0", campaign.GetProperty("rollback").GetProperty("version").GetString());
        Assert.Equal(2, campaign.GetProperty("devices").EnumerateArray().Count(d => d.GetProperty("wave").GetString() == "stage 1"));

        var (sexit, status, serr) = cloud.Campaign(cloud.Viewer, "status", campaign.GetProperty("id").GetString()!);
        Assert.True(sexit == 0, serr);
        void Shows(string line) => Assert.True(status.Contains(line, StringComparison.Ordinal), $"status lacks '{line}':\n{status}");
        Shows("rules         health-gated stages 50 → 100 %, dwell 3600 s, 2 devices/min, success threshold 0.9");
        Shows("thresholds    crash-free drop 0.1, reconnects ×2 + 0.5/day, wake-to-publish ×1.5, drain ×1.2, at least 1 device a side");
        Shows("stage         1 of 2 (50 %), current; 1 offered, 0 updated"); // two devices a minute: the first at once
        Shows("stage 1         50 %  current  2 devices: 1 offered, 0 updated, 0 failed");
        Shows("stage 2        100 %  pending  2 devices: 0 offered, 0 updated, 0 failed");
        Assert.Equal(2, devices.Count(d => status.Contains($"{d}   stage 2 waiting", StringComparison.Ordinal))); // the device table names the stage
        Shows("rollback      1.3.0 (counter 11): offered to the updated devices if it halts");
        Assert.DoesNotContain("canary wave", status);
    }

    [Fact]
    public void Gated_alone_takes_the_receivers_default_plan()
    {
        cloud.Register(2, "gated-defaults");
        var (exit, created, err) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.Package, "--tags", "gated-defaults", "--gated");
        Assert.True(exit == 0, err);
        var gate = created.GetProperty("campaign").GetProperty("gate");
        Assert.Equal([1.0, 10, 50, 100], gate.GetProperty("stagePercents").EnumerateArray().Select(p => p.GetDouble()));
        Assert.Equal((43200L, 3), (gate.GetProperty("dwellSeconds").GetInt64(), gate.GetProperty("thresholds").GetProperty("minDevices").GetInt32()));
    }

    [Fact]
    public void Bad_gate_options_are_refused_before_sending_and_nothing_is_stored()
    {
        cloud.Register(2, "gated-bad");
        int before = cloud.Campaigns().Count;
        var cases = new (string[] Args, string Reason)[]
        {
            (["--stages", "10,5,100"], "--stages must grow: stage 2 (5 %) is not above stage 1 (10 %)"),
            (["--stages", "1,10,50"], "--stages: the last stage must be 100 %, not 50 %"),
            (["--stages", "50,100", "--canary-percent", "10"], "--canary-percent is for canary → rest"),
            (["--dwell-seconds", "0"], "--dwell-seconds must be 1..2592000"),
            (["--devices-per-minute", "0"], "--devices-per-minute must be in (0, 10000], not 0"),
            (["--drain-ratio", "0.5"], "--drain-ratio must be in [1, 100], not 0.5"),
            (["--min-devices", "0"], "--min-devices must be 1..100000, not 0"),
        };
        foreach (var (args, reason) in cases)
        {
            var (exit, json, _) = cloud.CampaignJson(cloud.Operator, ["create", "--package", cloud.Package, "--tags", "gated-bad", .. args]);
            Assert.Equal(CampaignCommand.RefusedExitCode, exit);
            Assert.False(json.TryGetProperty("httpStatus", out _), $"{string.Join(' ', args)} reached the receiver");
            Assert.Contains(reason, json.GetProperty("error").GetString());
        }
        var (pexit, _, perr) = cloud.Campaign(cloud.Operator, "create", "--package", cloud.Package, "--tags", "gated-bad", "--dwell-seconds", "an hour");
        Assert.NotEqual(0, pexit);
        Assert.Contains("an hour", perr);
        Assert.Equal(before, cloud.Campaigns().Count);
    }
}

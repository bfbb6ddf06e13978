using System.Text.Json;
using NodeFirmware.Nodectl.Campaigns;

namespace NodeFirmware.Nodectl.Tests.Campaigns;

/// <summary><c>nodectl campaign</c> against the real receiver: a signed package through create, status, pause, resume, abort and list, and each refusal with its reason.</summary>
public sealed partial class CampaignCommandTests(CampaignReceiver cloud) : IClassFixture<CampaignReceiver>
{
    [Fact]
    public void A_signed_package_goes_through_create_status_pause_resume_abort_and_list_with_the_receivers_answers()
    {
        var devices = cloud.Register(4, "lifecycle");
        var (exit, created, err) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.Package, "--board", CampaignReceiver.Board,
            "--tags", "lifecycle", "--canary-percent", "50", "--success-threshold", "0.75", "--window-seconds", "3600", "--name", "lab rollout");
        Assert.True(exit == 0, err);
        Assert.True(created.GetProperty("ok").GetBoolean());
        Assert.Equal(("create", 0, 201), (created.GetProperty("action").GetString(), created.GetProperty("exitCode").GetInt32(), created.GetProperty("httpStatus").GetInt32()));
        var campaign = created.GetProperty("campaign");
        string id = campaign.GetProperty("id").GetString()!;
        Assert.Equal(("lab rollout", "2.0.0", "canary", 3600), (campaign.GetProperty("name").GetString(), campaign.GetProperty("targetVersion").GetString(),
            campaign.GetProperty("state").GetString(), campaign.GetProperty("windowSeconds").GetInt32()));
        Assert.Equal((4, 2), (campaign.GetProperty("counts").GetProperty("total").GetInt32(), campaign.GetProperty("canary").GetProperty("total").GetInt32()));
        Assert.Equal(devices.Order(), campaign.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("deviceId").GetString()!).Order());
        Assert.Contains("app-2.0.0.nfw: version 2.0.0", err); // the human text went to stderr

        // status: readable text on stdout; a viewer may read
        var (sexit, sout, serr) = cloud.Campaign(cloud.Viewer, "status", id);
        Assert.True(sexit == 0, serr);
        Assert.Contains($"campaign {id} \"lab rollout\": canary", sout);
        Assert.Contains("canary 50 %, success threshold 0.75, window 3600 s", sout);
        Assert.Contains(devices[0], sout);

        var (pexit, paused, _) = cloud.CampaignJson(cloud.Operator, "pause", id);
        Assert.Equal(0, pexit);
        Assert.Equal(("paused", "paused by operator"), (paused.GetProperty("campaign").GetProperty("state").GetString(), paused.GetProperty("campaign").GetProperty("stateReason").GetString()));

        // pausing twice: the receiver's reason, exit 1, nothing changed
        var (again, refusal, againErr) = cloud.CampaignJson(cloud.Operator, "pause", id);
        Assert.Equal(CampaignCommand.RefusedExitCode, again);
        Assert.False(refusal.GetProperty("ok").GetBoolean());
        Assert.Equal(409, refusal.GetProperty("httpStatus").GetInt32());
        Assert.Contains("only a canary or rolling campaign can be paused", refusal.GetProperty("error").GetString());
        Assert.Contains("error: the receiver refused to pause (HTTP 409): ", againErr);
        Assert.False(refusal.TryGetProperty("campaign", out _));

        var (rexit, rout, rerr) = cloud.Campaign(cloud.Operator, "resume", id);
        Assert.True(rexit == 0, rerr);
        Assert.Contains(": canary", rout.Split('\n')[0]);
        Assert.Contains("reason        resumed", rout);

        var (aexit, aborted, _) = cloud.CampaignJson(cloud.Operator, "abort", id);
        Assert.Equal(0, aexit);
        Assert.Equal("aborted", aborted.GetProperty("campaign").GetProperty("state").GetString());
        Assert.Equal(4, aborted.GetProperty("campaign").GetProperty("counts").GetProperty("cancelled").GetInt32());

        var (lexit, list, _) = cloud.CampaignJson(cloud.Viewer, "list");
        Assert.Equal(0, lexit);
        var listed = list.GetProperty("campaigns").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);
        Assert.Equal("aborted", listed.GetProperty("state").GetString());
        Assert.False(listed.TryGetProperty("devices", out _));
        var (_, lout, _) = cloud.Campaign(cloud.Viewer, "list");
        Assert.Contains(id, lout);
        Assert.Contains("lab rollout", lout);
    }

    [Fact]
    public void A_draft_is_started_by_resume()
    {
        cloud.Register(2, "draft");
        var (exit, created, err) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.Package, "--tags", "draft", "--draft");
        Assert.True(exit == 0, err);
        Assert.Equal("draft", created.GetProperty("campaign").GetProperty("state").GetString());
        var (_, resumed, _) = cloud.CampaignJson(cloud.Operator, "resume", created.GetProperty("campaign").GetProperty("id").GetString()!);
        Assert.Equal("canary", resumed.GetProperty("campaign").GetProperty("state").GetString());
    }

    [Fact]
    public void A_version_from_the_receivers_firmware_repository_is_named_instead_of_sent()
    {
        cloud.Register(2, "repository");
        var (exit, created, err) = cloud.CampaignJson(cloud.Operator, "create", "--version", "2.1.0", "--tags", "repository");
        Assert.True(exit == 0, err);
        Assert.Equal(("2.1.0", 2), (created.GetProperty("campaign").GetProperty("targetVersion").GetString(),
            created.GetProperty("campaign").GetProperty("counts").GetProperty("total").GetInt32()));
        Assert.Contains("version 2.1.0 from the receiver's firmware repository", err);

        var (missing, refusal, _) = cloud.CampaignJson(cloud.Operator, "create", "--version", "9.9.9", "--tags", "repository");
        Assert.Equal((CampaignCommand.RefusedExitCode, 400), (missing, refusal.GetProperty("httpStatus").GetInt32()));
        Assert.Contains("'9.9.9' is not in the firmware repository", refusal.GetProperty("error").GetString());
    }

    [Fact]
    public void A_downgrade_carries_its_signed_authorization_and_reaches_only_the_devices_it_names()
    {
        var devices = cloud.Register(3, "downgrade");
        var (package, authorization) = cloud.Downgrade("1.5.0", 7, devices[1]);
        var (exit, created, err) = cloud.CampaignJson(cloud.Operator, "create", "--package", package, "--downgrade-authorization", authorization,
            "--tags", "downgrade", "--canary-percent", "100");
        Assert.True(exit == 0, err);
        var campaign = created.GetProperty("campaign");
        Assert.Equal((true, 7L), (campaign.GetProperty("downgrade").GetBoolean(), campaign.GetProperty("downgradeCounter").GetInt64()));
        Assert.Equal([devices[1]], campaign.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("deviceId").GetString()));

        // the authorization belongs to its package: with another one the receiver refuses and names why
        var (other, refusal, _) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.Package, "--downgrade-authorization", authorization,
            "--tags", "downgrade");
        Assert.Equal((CampaignCommand.RefusedExitCode, 400), (other, refusal.GetProperty("httpStatus").GetInt32()));
        Assert.Contains("not for this package", refusal.GetProperty("error").GetString());
    }

    [Fact]
    public void A_rollback_goes_with_the_campaign_and_one_whose_authorization_does_not_name_the_cohort_is_refused_with_the_receivers_reason()
    {
        var devices = cloud.Register(2, "rollback");
        var (previous, authorization) = cloud.Downgrade("1.4.0", 8, [.. devices]);
        var (exit, created, err) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.Package, "--tags", "rollback", "--canary-percent", "100",
            "--rollback-package", previous, "--rollback-authorization", authorization);
        Assert.True(exit == 0, err);
        Assert.Contains("rollback if it halts: " + previous + ": version 1.4.0", err);
        var rollback = created.GetProperty("campaign").GetProperty("rollback");
        Assert.Equal(("1.4.0", 8L, false), (rollback.GetProperty("version").GetString(), rollback.GetProperty("downgradeCounter").GetInt64(),
            rollback.TryGetProperty("campaignId", out _))); // not started: left out
        var (sexit, status, _) = cloud.Campaign(cloud.Viewer, "status", created.GetProperty("campaign").GetProperty("id").GetString()!);
        Assert.Equal(0, sexit);
        Assert.Contains("rollback      1.4.0 (counter 8): offered to the updated devices if it halts", status);

        // signed for one of the two devices only: the receiver refuses and says so
        var (narrowPackage, narrow) = cloud.Downgrade("1.4.1", 9, devices[0]);
        var (refused, refusal, _) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.Package, "--tags", "rollback",
            "--rollback-package", narrowPackage, "--rollback-authorization", narrow);
        Assert.Equal((CampaignCommand.RefusedExitCode, 400), (refused, refusal.GetProperty("httpStatus").GetInt32()));
        Assert.Contains("rollback: the downgrade authorization does not name 1 cohort device(s) running 2.0.0", refusal.GetProperty("error").GetString());
        // half a rollback never leaves nodectl
        var (half, _, halfErr) = cloud.Campaign(cloud.Operator, "create", "--package", cloud.Package, "--rollback-authorization", authorization);
        Assert.Equal(CampaignCommand.RefusedExitCode, half);
        Assert.Contains("a rollback needs exactly one of --rollback-package or --rollback-version", halfErr);
    }

    [Fact]
    public void A_package_signed_by_another_key_is_refused_with_the_receivers_reason_and_nothing_is_stored()
    {
        cloud.Register(2, "stranger");
        int before = cloud.Campaigns().Count;
        var (exit, refusal, err) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.StrangersPackage, "--tags", "stranger");
        Assert.Equal(CampaignCommand.RefusedExitCode, exit);
        Assert.Equal(400, refusal.GetProperty("httpStatus").GetInt32());
        Assert.Contains("unknown-key", refusal.GetProperty("error").GetString());
        Assert.Contains("unknown-key", err);
        Assert.Equal(before, cloud.Campaigns().Count);
    }

    [Fact]
    public void Roles_are_the_receivers_a_viewer_cannot_change_a_campaign()
    {
        cloud.Register(2, "viewer");
        int before = cloud.Campaigns().Count;
        var (exit, _, err) = cloud.Campaign(cloud.Viewer, "create", "--package", cloud.Package, "--tags", "viewer");
        Assert.Equal(CampaignCommand.RefusedExitCode, exit);
        Assert.Contains("(HTTP 403)", err);
        Assert.Contains("role 'viewer'", err);
        Assert.Equal(before, cloud.Campaigns().Count);

        var (_, created, _) = cloud.CampaignJson(cloud.Operator, "create", "--package", cloud.Package, "--tags", "viewer");
        string id = created.GetProperty("campaign").GetProperty("id").GetString()!;
        foreach (var action in new[] { "pause", "abort" })
        {
            var (aexit, aout, aerr) = cloud.Campaign(cloud.Viewer, action, id);
            Assert.Equal(CampaignCommand.RefusedExitCode, aexit);
            Assert.Contains("role 'viewer'", aerr);
            Assert.Equal("", aout);
        }
        Assert.Equal("canary", cloud.Campaigns().Single(c => c.GetProperty("id").GetString() == id).GetProperty("state").GetString());
    }

    [Fact]
    public void Unknown_campaigns_bad_input_a_missing_token_and_an_unreachable_receiver_are_named_and_nothing_is_sent()
    {
        var (exit, json, _) = cloud.CampaignJson(cloud.Viewer, "status", "c-no-such-campaign");
        Assert.Equal((1, 404), (exit, json.GetProperty("httpStatus").GetInt32()));
        Assert.Contains("no campaign 'c-no-such-campaign'", json.GetProperty("error").GetString());

        int before = cloud.Campaigns().Count;
        var (nexit, _, nerr) = cloud.Campaign(null, "create", "--package", cloud.Package);
        Assert.Equal(1, nexit);
        Assert.Contains("no receiver API token", nerr);

        File.WriteAllText(cloud.P("not-a-package.nfw"), "hello");
        var (gexit, _, gerr) = cloud.Campaign(cloud.Operator, "create", "--package", cloud.P("not-a-package.nfw"));
        Assert.Equal(1, gexit);
        Assert.Contains("is not a firmware package", gerr);

        var (bexit, _, berr) = cloud.Campaign(cloud.Operator, "create", "--package", cloud.Package, "--version", "2.0.0");
        Assert.Equal(1, bexit);
        Assert.Contains("exactly one of --package", berr);

        var (iexit, _, ierr) = cloud.Campaign(cloud.Operator, "abort", "../tokens");
        Assert.Equal(1, iexit);
        Assert.Contains("is not a campaign id", ierr);
        Assert.Equal(before, cloud.Campaigns().Count);

        var env = new Dictionary<string, string> { [ReceiverApi.ReceiverClient.TokenVariable] = cloud.Operator };
        var (uexit, uout, uerr) = Partitions.CommandRunner.Run(CampaignCommand.Create(n => env.GetValueOrDefault(n)),
            "campaign", "list", "--receiver", "http://127.0.0.1:1/", "--json");
        Assert.Equal(CampaignCommand.UnreachableExitCode, uexit);
        Assert.Contains("cannot reach the receiver", uerr);
        Assert.Equal(2, JsonDocument.Parse(uout).RootElement.GetProperty("exitCode").GetInt32());
    }
}

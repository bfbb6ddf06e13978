using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Ota;
using NodeFirmware.Receiver.Tests.Ota.Gate;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>
/// The campaign controls, clicked in headless Chromium on a real receiver process: pause, resume and abort change the
/// campaign through the API after a confirmation, a cancelled confirmation changes nothing, a refusal shows the API's
/// reason, a campaign is created from an uploaded signed package, and a viewer gets no controls (the API refuses them too).
/// </summary>
public sealed partial class CampaignControlPageTests : IDisposable
{
    private const int Fleet = 10;
    private readonly TempDirectory _dir = new();
    private string _db = "";

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>A fleet of registered devices on the test packages' board and a campaign in its canary wave.</summary>
    private async Task<(ReceiverProcess Receiver, string CampaignId)> StartAsync()
    {
        _db = _dir.File("campaigns.db");
        var now = DateTimeOffset.UtcNow;
        var ids = Enumerable.Range(0, Fleet).Select(i => $"esp32-{i:x12}").ToList();
        await using (var store = new SqliteTelemetryStore(_db))
        {
            await store.MigrateAsync();
            foreach (var id in ids) await store.RegisterDeviceAsync(new DeviceRegistration(id, null, [], OtaTestPackages.Board), now.AddDays(-1));
        }
        string campaign;
        await using (var campaigns = new SqliteCampaignStore(_db))
        {
            await campaigns.MigrateAsync();
            var engine = new CampaignEngine(campaigns, new RecordingPublisher(), TimeProvider.System) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            var c = await engine.CreateAsync(new CampaignRequest { Name = "spring-rollout", Package = OtaTestPackages.Make("2.1.0") },
                ids.Select(id => new CohortDevice(id, OtaTestPackages.Board, "1.0.0", [])));
            campaign = c.Id;
        }
        var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + _db, "--release-pub", OtaTestPackages.Release.PublicKeyFile()]);
        return (receiver, campaign);
    }

    private static async Task<ChromiumPage> OpenCampaignAsync(ReceiverProcess receiver, string token, string campaign, TempDirectory dir)
    {
        var page = await ChromiumPage.OpenAsync(receiver.PageWithToken(token), dir);
        await page.WaitForAsync("document.getElementById('who').textContent", "who is signed in");
        await page.EvaluateAsync($"location.hash = 'campaign={campaign}'");
        await page.WaitForAsync("document.getElementById('campaign-state').textContent", "the campaign's state");
        return page;
    }

    /// <summary>The fleet page with an operator's token, once it shows the New campaign button.</summary>
    private async Task<ChromiumPage> OpenAsOperatorAsync(ReceiverProcess receiver)
    {
        var page = await ChromiumPage.OpenAsync(receiver.PageWithToken(await receiver.CreateTokenAsync("operator")), _dir);
        await page.WaitForAsync("document.getElementById('new-campaign').offsetParent !== null", "the New campaign button");
        return page;
    }

    private static async Task<string> StateAsync(ReceiverProcess receiver, string campaign)
    {
        using var http = receiver.Client();
        return (await http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}")).GetProperty("state").GetString()!;
    }

    private static Task<JsonElement> ShownStateAsync(ChromiumPage page, string state) =>
        page.WaitForAsync($"document.getElementById('campaign-state').textContent === '{state}'", $"the state '{state}'");

    /// <summary>Clicks a control, then the confirmation's Confirm (or Cancel) button.</summary>
    private static async Task ClickAndAnswerAsync(ChromiumPage page, string control, bool confirm)
    {
        await page.ClickAsync("#campaign-" + control);
        await page.WaitForAsync("document.getElementById('confirm').open", "the confirmation");
        Assert.Contains(control == "abort" ? "Abort campaign \"spring-rollout\"" : "campaign \"spring-rollout\"", await page.TextAsync("#confirm-text"));
        await page.ClickAsync(confirm ? "#confirm-ok" : "#confirm-cancel");
    }

    [ChromiumFact]
    public async Task Pause_resume_and_abort_change_the_campaign_after_a_confirmation()
    {
        var (receiver, campaign) = await StartAsync();
        using var _ = receiver;
        await using var page = await OpenCampaignAsync(receiver, await receiver.CreateTokenAsync("operator"), campaign, _dir);
        await ShownStateAsync(page, "canary");
        Assert.Equal("canary", await StateAsync(receiver, campaign));

        // Cancelled: the dialog closes and nothing changes, on the page or in the receiver.
        await ClickAndAnswerAsync(page, "pause", confirm: false);
        await page.WaitForAsync("!document.getElementById('confirm').open", "the confirmation closed");
        await Task.Delay(500);
        Assert.Equal("canary", await StateAsync(receiver, campaign));
        Assert.Equal("canary", await page.TextAsync("#campaign-state"));

        await ClickAndAnswerAsync(page, "pause", confirm: true);
        await ShownStateAsync(page, "paused");
        Assert.Equal("paused", await StateAsync(receiver, campaign));
        Assert.True((await page.EvaluateAsync("document.getElementById('campaign-pause').disabled")).GetBoolean(), "pause is still enabled on a paused campaign");

        await ClickAndAnswerAsync(page, "resume", confirm: true);
        await ShownStateAsync(page, "canary");
        Assert.Equal("canary", await StateAsync(receiver, campaign));

        // Paused behind the page's back: the page still offers Pause, and shows why the API refuses it.
        using (var http = receiver.Client())
            (await http.PostAsync($"/api/campaigns/{campaign}/pause", null)).EnsureSuccessStatusCode();
        await ClickAndAnswerAsync(page, "pause", confirm: true);
        await page.WaitForAsync("document.getElementById('campaign-message').textContent.includes('only a canary or rolling campaign can be paused')",
            "the API's reason for refusing the pause");
        Assert.Equal("paused", await StateAsync(receiver, campaign));

        await ClickAndAnswerAsync(page, "abort", confirm: true);
        await ShownStateAsync(page, "aborted");
        Assert.Equal("aborted", await StateAsync(receiver, campaign));
        var disabled = await page.EvaluateAsync("['pause', 'resume', 'abort'].map(n => document.getElementById('campaign-' + n).disabled)");
        Assert.All(disabled.EnumerateArray(), d => Assert.True(d.GetBoolean(), "a control is still enabled on an aborted campaign"));
        // The page shows the devices per wave and state: the canary's offered devices and the waiting rest, all cancelled now.
        Assert.Contains("cancelled", await page.TextAsync("#campaign-devices"));
        Assert.Equal(Fleet, (await page.EvaluateAsync("document.querySelectorAll('#campaign-devices tr').length")).GetInt32());
    }

    [ChromiumFact]
    public async Task A_viewer_gets_no_controls_and_the_api_refuses_them()
    {
        var (receiver, campaign) = await StartAsync();
        using var _ = receiver;
        string viewer = await receiver.CreateTokenAsync("viewer");
        await using var page = await OpenCampaignAsync(receiver, viewer, campaign, _dir);
        await ShownStateAsync(page, "canary");
        var visible = await page.EvaluateAsync(
            "[...document.querySelectorAll('#campaign-pause, #campaign-resume, #campaign-abort, #new-campaign, #create-rollback')].map(b => b.offsetParent !== null)");
        Assert.All(visible.EnumerateArray(), v => Assert.False(v.GetBoolean(), "a viewer sees a campaign control"));

        using var http = receiver.Client(viewer);
        foreach (var action in new[] { "pause", "resume", "abort" })
        {
            var response = await http.PostAsync($"/api/campaigns/{campaign}/{action}", null);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("role 'viewer' may not", await response.Content.ReadAsStringAsync());
        }
        // Nor may a viewer create one, with a rollback or without.
        var create = await http.PostAsJsonAsync("/api/campaigns", new
        {
            name = "by-a-viewer", package = OtaTestPackages.Make("3.0.0"),
            rollback = new { package = Previous, downgradeAuthorization = BackFrom300(Previous) },
        });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(1, await StoredCampaignsAsync());
        Assert.Equal("canary", await StateAsync(receiver, campaign));
    }

    [ChromiumFact]
    public async Task A_campaign_is_created_from_an_uploaded_signed_package_and_a_foreign_signature_is_refused_with_the_reason()
    {
        var (receiver, _) = await StartAsync();
        using var _r = receiver;
        await using var page = await OpenAsOperatorAsync(receiver);

        // Signed by a key the fleet does not trust: the dialog comes back with the API's reason; nothing is stored.
        await UploadAsync(page, OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "3.0.0"), "stranger");
        await page.WaitForAsync("document.getElementById('create').open && document.getElementById('create-message').textContent.startsWith('refused: ')",
            "the refusal in the dialog");
        Assert.Contains("unknown-key", await page.TextAsync("#create-message")); // the engine's reason, as the API gave it
        using var http = receiver.Client();
        Assert.Single((await http.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray());
        await page.ClickAsync("#create-cancel");

        await UploadAsync(page, OtaTestPackages.Make("3.0.0"), "summer-rollout");
        await page.WaitForAsync("location.hash.startsWith('#campaign=') && document.getElementById('campaign-title').textContent.startsWith('summer-rollout')",
            "the new campaign's page");
        var created = (await http.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "summer-rollout");
        Assert.Equal("3.0.0", created.GetProperty("targetVersion").GetString());
        Assert.Equal(Fleet, created.GetProperty("counts").GetProperty("total").GetInt32());
        Assert.Equal("canary", created.GetProperty("state").GetString());
    }

    [ChromiumFact]
    public async Task A_gated_campaign_shows_its_stages_and_health_comparison_and_one_is_created_with_a_stage_plan()
    {
        // A gated campaign taken through its first stage (healthy statuses in the same file) before the receiver starts.
        _db = _dir.File("gated.db");
        var ids = Enumerable.Range(0, 20).Select(i => $"esp32-{i + 0x500:x12}").ToList();
        var time = new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-9));
        string campaign;
        await using (var telemetry = new SqliteTelemetryStore(_db))
        await using (var campaigns = new SqliteCampaignStore(_db))
        {
            await telemetry.MigrateAsync();
            await campaigns.MigrateAsync();
            foreach (var id in ids) await telemetry.RegisterDeviceAsync(new DeviceRegistration(id, null, [], OtaTestPackages.Board), time.Now.AddDays(-1));
            var engine = new CampaignEngine(campaigns, new RecordingPublisher(), time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey, Telemetry = telemetry };
            var c = await engine.CreateAsync(new CampaignRequest { Name = "gated-rollout", Package = OtaTestPackages.Make("2.1.0"), Gate = GatedCampaigns.QuickPlan },
                ids.Select(id => new CohortDevice(id, OtaTestPackages.Board, "1.0.0", [])));
            campaign = c.Id;
            await GatedCampaigns.PassFirstStageAsync(engine, time, telemetry, campaign);
        }
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + _db, "--release-pub", OtaTestPackages.Release.PublicKeyFile()]);
        await using var page = await OpenCampaignAsync(receiver, await receiver.CreateTokenAsync("operator"), campaign, _dir);
        await ShownStateAsync(page, "rolling");
        await page.WaitForAsync("document.querySelectorAll('#gate-stages tr').length === 3", "the three stages");
        var stages = await page.EvaluateAsync("[...document.querySelectorAll('#gate-stages tr')].map(r => [...r.cells].map(c => c.textContent))");
        var rows = stages.EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetString()!).ToList()).ToList();
        Assert.Equal(["stage 1", "10 %", "2", "2", "2", "0", "passed"], rows[0].Take(7));
        Assert.StartsWith("stage 1 of 3 (10 %): healthy on " + OtaTestPackages.Board, rows[0][7]);
        Assert.Equal(("stage 2", "current"), (rows[1][0], rows[1][6]));
        Assert.Equal(("stage 3", "pending", "–"), (rows[2][0], rows[2][6], rows[2][7]));
        Assert.Contains("Stage2 of 3 (50 %)", await page.TextAsync("#campaign-facts"));

        // The health comparison of stage 1: both sides per signal, with the limit the thresholds set.
        var health = await page.EvaluateAsync("[...document.querySelectorAll('#gate-health tr')].map(r => [...r.cells].map(c => c.textContent))");
        var signals = health.EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetString()!).ToList()).ToDictionary(r => r[2]);
        Assert.Equal(["2", "18", "≥ 1 each", "promote"], signals["devices with vitals"].Skip(3));
        Assert.Equal(["100.0 %", "100.0 %", "≥ 95.0 %"], signals["crash-free rate"].Skip(3).Take(3));
        Assert.Equal(["1800 ms", "1800 ms", "≤ 2250 ms"], signals["wake-to-publish (median)"].Skip(3).Take(3));
        Assert.Matches(@"^\d+\.\d mV/day$", signals["battery drain (median)"][3]);
        Assert.StartsWith("≤ ", signals["battery drain (median)"][5]);

        // A new campaign with a stage plan from the form.
        await UploadAsync(page, OtaTestPackages.Make("3.0.0"), "staged",
            "form.elements.stages.value = '5, 50, 100'; form.elements.dwell.value = '2'; form.elements.rate.value = '3';", "stages 5 → 50 → 100 %");
        await page.WaitForAsync("document.getElementById('campaign-title').textContent.startsWith('staged') && document.querySelectorAll('#gate-stages tr').length === 3",
            "the new campaign's stages");
        using var http = receiver.Client();
        var created = (await http.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "staged");
        var gate = created.GetProperty("gate");
        Assert.Equal(new[] { 5.0, 50, 100 }, gate.GetProperty("stagePercents").EnumerateArray().Select(p => p.GetDouble()));
        Assert.Equal((7200, 3.0), (gate.GetProperty("dwellSeconds").GetInt64(), gate.GetProperty("devicesPerMinute").GetDouble()));
        Assert.Equal("current", (await page.TextAsync("#gate-stages tr:first-child td:nth-child(7)")));
    }

    /// <summary>
    /// Fills the New campaign dialog with <paramref name="package"/> as the chosen file (and what the script <paramref name="fill"/>
    /// sets on <c>form</c>), submits it and confirms, once the confirmation says <paramref name="asked"/> too.
    /// </summary>
    private static async Task UploadAsync(ChromiumPage page, byte[] package, string name, string fill = "", string asked = "")
    {
        await FillAndSubmitAsync(page, package, name, fill);
        await page.WaitForAsync("document.getElementById('confirm').open", "the confirmation");
        Assert.Contains($"Create campaign \"{name}\"", await page.TextAsync("#confirm-text"));
        Assert.Contains(asked, await page.TextAsync("#confirm-text"));
        await page.ClickAsync("#confirm-ok");
    }

    /// <summary>Opens the New campaign dialog, chooses <paramref name="package"/>, names the campaign, runs <paramref name="fill"/> on <c>form</c> and submits.</summary>
    private static async Task FillAndSubmitAsync(ChromiumPage page, byte[] package, string name, string fill)
    {
        await page.ClickAsync("#new-campaign");
        await page.WaitForAsync("document.getElementById('create').open", "the New campaign dialog");
        await page.EvaluateAsync($$"""
            (() => {
              const form = document.getElementById('create-form');
              form.elements.package.files = {{Files(package, name + ".nfw")}};
              form.elements.name.value = '{{name}}';
              {{fill}}
              form.requestSubmit();
            })()
            """);
    }

    /// <summary>A script expression: a FileList holding <paramref name="bytes"/> as the file <paramref name="name"/>, to set on a file input.</summary>
    private static string Files(byte[] bytes, string name) =>
        $"(() => {{ const t = new DataTransfer(); t.items.add(new File([Uint8Array.from(atob('{Convert.ToBase64String(bytes)}'), c => c.charCodeAt(0))], " +
        $"{JsonSerializer.Serialize(name)})); return t.files; }})()";
}

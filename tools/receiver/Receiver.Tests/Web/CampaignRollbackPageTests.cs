using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Ota;
using NodeFirmware.Receiver.Tests.Ota.Gate;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>
/// A gated campaign's rollback on the campaign page, in headless Chromium with a viewer's token: before a halt the version
/// it would offer back; after a health breach halted it, the rollback campaign linked with its progress, and that campaign's
/// page links back to the halted one.
/// </summary>
public sealed class CampaignRollbackPageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>
    /// Twenty devices: a gated 2.1.0 campaign with a rollback to 1.0.0 whose first stage's devices panic, so the judgement
    /// halts it and offers 1.0.0 back to them, one of which reports it installed; and a draft with the same rollback.
    /// </summary>
    private async Task<(string Halted, string Rollback, string Draft, string RolledBack)> PrepareAsync(string db)
    {
        var ids = Enumerable.Range(0, 20).Select(i => $"esp32-{i + 0x900:x12}").ToList();
        var time = new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-9));
        byte[] previous = OtaTestPackages.Make("1.0.0");
        var rollback = new CampaignRollbackRequest(Package: previous,
            DowngradeAuthorization: OtaTestPackages.Authorization(previous, [], 7, a => a.FromVersions = [FirmwareVersion.Parse("2.1.0")]));
        await using var telemetry = new SqliteTelemetryStore(db);
        await using var campaigns = new SqliteCampaignStore(db);
        await telemetry.MigrateAsync();
        await campaigns.MigrateAsync();
        foreach (var id in ids) await telemetry.RegisterDeviceAsync(new DeviceRegistration(id, null, [], OtaTestPackages.Board), time.Now.AddDays(-1));
        var engine = new CampaignEngine(campaigns, new RecordingPublisher(), time) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey, Telemetry = telemetry };
        var cohort = ids.Select(id => new CohortDevice(id, OtaTestPackages.Board, "1.0.0", [])).ToList();
        var c = await engine.CreateAsync(new CampaignRequest
        {
            Name = "crashing-rollout", Package = OtaTestPackages.Make("2.1.0"), Gate = GatedCampaigns.QuickPlan, Rollback = rollback,
        }, cohort);
        await GatedCampaigns.PassFirstStageAsync(engine, time, telemetry, c.Id, panics: _ => true);
        string rollbackId = RollbackPlan.CampaignId(c.Id);
        var back = (await engine.GetAsync(rollbackId))!;
        string rolledBack = back.Devices.Keys.Order(StringComparer.Ordinal).First();
        await engine.Result(rolledBack, rollbackId, true, "1.0.0");
        var draft = await engine.CreateAsync(new CampaignRequest
        {
            Name = "careful-rollout", Package = OtaTestPackages.Make("2.1.0"), Gate = GatedCampaigns.QuickPlan, Rollback = rollback, Start = false,
        }, cohort);
        return (c.Id, rollbackId, draft.Id, rolledBack);
    }

    private static async Task<Dictionary<string, string>> FactsAsync(ChromiumPage page)
    {
        var facts = await page.EvaluateAsync("[...document.querySelectorAll('#campaign-facts dt')].map(dt => [dt.textContent, dt.nextElementSibling.textContent])");
        return facts.EnumerateArray().ToDictionary(f => f[0].GetString()!, f => f[1].GetString()!);
    }

    /// <summary>Waits until the page shows <paramref name="campaign"/>: its Id fact, and the title that starts with <paramref name="title"/>.</summary>
    private static Task ShowAsync(ChromiumPage page, string campaign, string title) =>
        page.WaitForAsync($"document.getElementById('campaign-title').textContent.startsWith({JsonSerializer.Serialize(title)}) && " +
            "[...document.querySelectorAll('#campaign-facts dt')].find(dt => dt.textContent === 'Id')?.nextElementSibling.textContent === " +
            JsonSerializer.Serialize(campaign), $"the page of {campaign}");

    [ChromiumFact]
    public async Task A_halted_gated_campaign_links_its_rollback_campaign_with_its_progress_and_a_draft_shows_what_it_would_offer_back()
    {
        string db = _dir.File("rollback.db");
        var (halted, rollbackId, draft, rolledBack) = await PrepareAsync(db);
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db, "--release-pub", OtaTestPackages.Release.PublicKeyFile()]);
        string viewer = await receiver.CreateTokenAsync("viewer");

        // What the page reads, as a viewer gets it from the list and the campaign.
        using (var http = receiver.Client(viewer))
        {
            var listed = (await http.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray().Single(c => c.GetProperty("id").GetString() == halted);
            Assert.Equal(rollbackId, listed.GetProperty("rollback").GetProperty("campaignId").GetString());
            var one = await http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{rollbackId}");
            Assert.Equal(halted, one.GetProperty("rollbackOf").GetString());
        }

        await using var page = await ChromiumPage.OpenAsync(receiver.PageWithToken(viewer), _dir);
        await page.WaitForAsync("document.getElementById('who').textContent", "who is signed in");
        await page.EvaluateAsync($"location.hash = 'campaign={halted}'");
        await ShowAsync(page, halted, "crashing-rollout");
        Assert.Equal("halted", await page.TextAsync("#campaign-state"));
        Assert.Equal("halted", await page.TextAsync("#gate-stages tr:first-child td:nth-child(7)"));
        var facts = await FactsAsync(page);
        Assert.Contains("crash_free_rate", facts["Why"]);
        Assert.Equal("1.0.0 (downgrade counter 7)", facts["Rollback"]);
        // Two devices updated in stage 1 and got 1.0.0 offered back; one has installed it.
        Assert.Equal($"{rollbackId} rolling: 1 of 2 back on 1.0.0, 1 in flight", facts["Rollback campaign"]);
        var link = await page.EvaluateAsync("[...document.querySelectorAll('#campaign-facts a')].map(a => [a.getAttribute('href'), a.textContent])");
        Assert.Equal([[$"#campaign={rollbackId}", rollbackId]], link.EnumerateArray().Select(a => a.EnumerateArray().Select(v => v.GetString()).ToList()));
        Assert.Equal("campaign-state campaign-rolling", (await page.EvaluateAsync("document.querySelector('#campaign-facts .rollback-progress .campaign-state').className")).GetString());
        Assert.DoesNotContain("Rollback of", facts.Keys);

        // The link opens the rollback campaign: 1.0.0 to the stage's two devices, with the way back to the halted campaign.
        await page.ClickAsync("#campaign-facts a");
        await ShowAsync(page, rollbackId, "");
        Assert.EndsWith(" → 1.0.0", await page.TextAsync("#campaign-title"));
        facts = await FactsAsync(page);
        Assert.Equal(halted, facts["Rollback of"]);
        Assert.DoesNotContain("Rollback", facts.Keys);
        Assert.Equal($"#campaign={halted}", (await page.EvaluateAsync("document.querySelector('#campaign-facts a').getAttribute('href')")).GetString());
        Assert.Equal(2, (await page.EvaluateAsync("document.querySelectorAll('#campaign-devices tr').length")).GetInt32());
        Assert.Contains("succeeded", await page.TextAsync($"#campaign-devices"));
        Assert.Contains(rolledBack, await page.TextAsync($"#campaign-devices"));

        // Not halted: the version it would offer back, and no link.
        await page.EvaluateAsync($"location.hash = 'campaign={draft}'");
        await ShowAsync(page, draft, "careful-rollout");
        facts = await FactsAsync(page);
        Assert.Equal("1.0.0 (downgrade counter 7): offered to the updated devices if it halts", facts["Rollback"]);
        Assert.False(facts.ContainsKey("Rollback campaign"));
        Assert.Equal(0, (await page.EvaluateAsync("document.querySelectorAll('#campaign-facts a').length")).GetInt32());
    }
}

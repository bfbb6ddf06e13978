using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.Ota;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>
/// The New campaign dialog's rollback: a gated campaign created from the page with the previous package and its downgrade
/// authorization stores both, exactly; a rollback the page can tell is incomplete or not a .nfa is never sent; and one the
/// receiver refuses (signed by another key, made for another version) comes back with the receiver's reason, storing nothing.
/// </summary>
public sealed partial class CampaignControlPageTests
{
    private static readonly byte[] Previous = OtaTestPackages.Make("1.0.0");

    /// <summary>An authorization for <paramref name="package"/> naming every device once it runs 3.0.0, the version the tests create.</summary>
    private static byte[] BackFrom300(byte[] package, TestReleaseKey? signer = null) =>
        OtaTestPackages.Authorization(package, [], 11, a => a.FromVersions = [FirmwareVersion.Parse("3.0.0")], signer);

    /// <summary>A fill script for <see cref="FillAndSubmitAsync"/>: stages 50, 100 and the rollback files given (null: left empty).</summary>
    private static string GatedWithRollback(byte[]? package, byte[]? authorization, string authorizationName = "back-to-1.0.0.nfa") =>
        "form.elements.stages.value = '50, 100';" +
        (package is null ? "" : $"form.elements.rollbackPackage.files = {Files(package, "app-1.0.0.nfw")};") +
        (authorization is null ? "" : $"form.elements.rollbackAuthorization.files = {Files(authorization, authorizationName)};");

    private async Task<int> StoredCampaignsAsync()
    {
        await using var store = new SqliteCampaignStore(_db);
        return (await store.LoadAllAsync()).Count;
    }

    [ChromiumFact]
    public async Task A_gated_campaign_created_from_the_page_with_a_rollback_stores_the_previous_package_and_its_authorization()
    {
        var (receiver, _) = await StartAsync();
        using var _r = receiver;
        await using var page = await OpenAsOperatorAsync(receiver);
        byte[] authorization = BackFrom300(Previous);

        await UploadAsync(page, OtaTestPackages.Make("3.0.0"), "with-rollback", GatedWithRollback(Previous, authorization),
            $"if it halts, the devices that updated are offered back app-1.0.0.nfw ({Previous.Length} bytes) with back-to-1.0.0.nfa");
        await page.WaitForAsync("document.getElementById('campaign-title').textContent.startsWith('with-rollback') && " +
            "[...document.querySelectorAll('#campaign-facts dt')].some(dt => dt.textContent === 'Rollback')", "the new campaign's rollback");
        Assert.Contains("Rollback1.0.0 (downgrade counter 11): offered to the updated devices if it halts", await page.TextAsync("#campaign-facts"));

        using var http = receiver.Client();
        var created = (await http.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "with-rollback");
        Assert.Equal(("1.0.0", 11), (created.GetProperty("rollback").GetProperty("version").GetString(), created.GetProperty("rollback").GetProperty("downgradeCounter").GetInt64()));
        Assert.Equal(new[] { 50.0, 100 }, created.GetProperty("gate").GetProperty("stagePercents").EnumerateArray().Select(p => p.GetDouble()));

        // Stored as sent: what a restarted receiver verifies again and offers if the campaign halts.
        await using var store = new SqliteCampaignStore(_db);
        var stored = (await store.LoadAllAsync()).Single(c => c.Id == created.GetProperty("id").GetString());
        Assert.Equal(Previous, stored.Rollback!.Package);
        Assert.Equal(authorization, stored.Rollback.DowngradeAuthorization);

        // The created campaign's form was reset: no rollback left chosen, and the stage plan's defaults back for the next one.
        var form = await page.EvaluateAsync("(f => [f.rollbackPackage.files.length, f.rollbackAuthorization.files.length, f.dwell.value, f.rate.value])" +
            "(document.getElementById('create-form').elements)");
        Assert.Equal("[0,0,\"12\",\"10\"]", form.GetRawText());
    }

    [ChromiumFact]
    public async Task A_rollback_the_page_or_the_receiver_refuses_is_not_stored_and_the_reason_is_shown()
    {
        var (receiver, _) = await StartAsync();
        using var _r = receiver;
        await using var page = await OpenAsOperatorAsync(receiver);
        byte[] package = OtaTestPackages.Make("3.0.0");

        // The page's own checks: nothing is sent, no confirmation is asked, the dialog says what is missing or wrong.
        foreach (var (fill, reason) in new[]
        {
            (GatedWithRollback(Previous, null), "rollback: choose the downgrade authorization (.nfa)"),
            (GatedWithRollback(null, BackFrom300(Previous)), "rollback: choose the previous version's signed package (.nfw) or type a version"),
            (GatedWithRollback(Previous, Previous[..200], "app-1.0.0.nfw"), "rollback authorization: app-1.0.0.nfw is not a downgrade authorization"),
            (GatedWithRollback(Previous, BackFrom300(Previous)[..^1]), "rollback authorization: back-to-1.0.0.nfa is cut or damaged"),
            (GatedWithRollback(null, BackFrom300(Previous)) + "form.elements.rollbackVersion.value = '1.0.0; drop';", "rollback version: 1..32 of"),
            (GatedWithRollback(null, BackFrom300(Previous)) + """
                form.elements.rollbackPackage.files = (() => {
                  const bytes = new Uint8Array(6 * 1024 * 1024);
                  bytes.set([...'NFW1'].map(c => c.charCodeAt(0)));
                  const t = new DataTransfer();
                  t.items.add(new File([bytes], 'big.nfw'));
                  return t.files;
                })();
                """, "the package and the rollback package together are over 6 MiB"),
        })
        {
            await FillAndSubmitAsync(page, package, "refused-here", fill);
            await page.WaitForAsync($"document.getElementById('create-message').textContent.startsWith({JsonSerializer.Serialize(reason)})", reason);
            Assert.False((await page.EvaluateAsync("document.getElementById('confirm').open")).GetBoolean(), "a confirmation was asked for a rollback the page refuses");
            await page.ClickAsync("#create-cancel");
            await page.EvaluateAsync("document.getElementById('create-form').reset()");
        }

        // The receiver's checks: signed by another key, or made for another version; its reason comes back in the dialog.
        foreach (var (authorization, reason) in new[]
        {
            (BackFrom300(Previous, OtaTestPackages.Stranger), "refused: rollback: the downgrade authorization is not signed by the release key"),
            (BackFrom300(OtaTestPackages.Make("0.9.0")), "refused: rollback: the downgrade authorization is for 0.9.0 with another manifest, not for this package 1.0.0"),
        })
        {
            await UploadAsync(page, package, "refused-there", GatedWithRollback(Previous, authorization), "if it halts, the devices that updated are offered back app-1.0.0.nfw");
            await page.WaitForAsync("document.getElementById('create').open && document.getElementById('create-message').textContent.startsWith('refused: ')",
                "the refusal in the dialog");
            Assert.Equal(reason, await page.TextAsync("#create-message"));
            await page.ClickAsync("#create-cancel");
            await page.EvaluateAsync("document.getElementById('create-form').reset()");
        }

        using var http = receiver.Client();
        Assert.Single((await http.GetFromJsonAsync<JsonElement>("/api/campaigns")).EnumerateArray());
        Assert.Equal(1, await StoredCampaignsAsync());
    }
}

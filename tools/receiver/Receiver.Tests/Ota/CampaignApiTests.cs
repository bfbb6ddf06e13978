using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>The campaign API on the receiver in-process (no broker: campaigns are stored, offers go nowhere).</summary>
public sealed class CampaignApiTests : IDisposable
{
    private readonly ReceiverFactory _factory = new(web => web.UseSetting("Receiver:ReleasePublicKey", OtaTestPackages.Release.PublicKeyFile()));
    private readonly HttpClient _http;

    public CampaignApiTests() => _http = _factory.CreateClient();

    private static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<List<string>> RegisterAsync(int n, string board)
    {
        var ids = Enumerable.Range(0, n).Select(i => $"esp32-{board.GetHashCode() & 0xffff:x4}{i:x8}").ToList();
        foreach (var id in ids) await Json(await _http.PostAsJsonAsync("/api/devices", new { id, board, tags = new[] { "site:lab" } }), HttpStatusCode.Created);
        return ids;
    }

    [Fact]
    public async Task Create_list_show_abort_a_campaign_and_its_outcomes_feed_the_ota_sli()
    {
        var ids = await RegisterAsync(20, OtaTestPackages.Board);
        await RegisterAsync(3, "other-board");
        var created = await Json(await _http.PostAsJsonAsync("/api/campaigns", new
        {
            name = "lab rollout", package = OtaTestPackages.Make("2.0.0"), board = OtaTestPackages.Board, tags = new[] { "site:lab" },
            canaryPercent = 10, successThreshold = 0.5, windowSeconds = 3600,
        }), HttpStatusCode.Created);
        string id = created.GetProperty("id").GetString()!;
        Assert.Equal(("canary", "2.0.0", 20, 2), (created.GetProperty("state").GetString(), created.GetProperty("targetVersion").GetString(),
            created.GetProperty("counts").GetProperty("total").GetInt32(), created.GetProperty("canary").GetProperty("total").GetInt32()));
        var devices = created.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal(ids.Order(), devices.Select(d => d.GetProperty("deviceId").GetString()!).Order());
        string canary = devices.First(d => d.GetProperty("wave").GetString() == "canary").GetProperty("deviceId").GetString()!;

        // A device reports (as the campaign client would hand it over from the broker).
        var engine = _factory.Services.GetRequiredService<CampaignEngine>();
        await engine.Progress(canary, id, "downloading", 5000, 10_000);
        var shown = await Json(await _http.GetAsync($"/api/campaigns/{id}"), HttpStatusCode.OK);
        var progress = shown.GetProperty("devices").EnumerateArray().Single(d => d.GetProperty("deviceId").GetString() == canary);
        Assert.Equal(("downloading", 50.0), (progress.GetProperty("state").GetString(), progress.GetProperty("percent").GetDouble()));
        await engine.Result(canary, id, true, "2.0.0");

        var list = await Json(await _http.GetAsync("/api/campaigns"), HttpStatusCode.OK);
        var summary = list.EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);
        Assert.Equal(1, summary.GetProperty("counts").GetProperty("succeeded").GetInt32());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("devices").ValueKind);

        var sli = await Json(await _http.GetAsync("/api/sli"), HttpStatusCode.OK);
        Assert.Equal((1, 1), (sli.GetProperty("ota").GetProperty("good").GetInt32(), sli.GetProperty("ota").GetProperty("total").GetInt32()));

        var aborted = await Json(await _http.PostAsync($"/api/campaigns/{id}/abort", null), HttpStatusCode.OK);
        Assert.Equal("aborted", aborted.GetProperty("state").GetString());
        Assert.Contains("already aborted", (await Json(await _http.PostAsync($"/api/campaigns/{id}/abort", null), HttpStatusCode.Conflict)).GetProperty("error").GetString());
        Assert.Contains("only a draft, paused or halted", (await Json(await _http.PostAsync($"/api/campaigns/{id}/resume", null), HttpStatusCode.Conflict)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Pause_and_resume_answer_the_campaign_and_are_in_the_audit_trail_and_a_wrong_state_is_a_conflict_with_its_reason()
    {
        await RegisterAsync(4, OtaTestPackages.Board);
        var created = await Json(await _http.PostAsJsonAsync("/api/campaigns", new { package = OtaTestPackages.Make("2.0.0"), canaryPercent = 50 }), HttpStatusCode.Created);
        string id = created.GetProperty("id").GetString()!;
        var paused = await Json(await _http.PostAsync($"/api/campaigns/{id}/pause", null), HttpStatusCode.OK);
        Assert.Equal(("paused", "paused by operator"), (paused.GetProperty("state").GetString(), paused.GetProperty("stateReason").GetString()));
        Assert.Equal(4, paused.GetProperty("devices").GetArrayLength());
        Assert.Contains("only a canary or rolling", (await Json(await _http.PostAsync($"/api/campaigns/{id}/pause", null), HttpStatusCode.Conflict)).GetProperty("error").GetString());
        Assert.Equal("canary", (await Json(await _http.PostAsync($"/api/campaigns/{id}/resume", null), HttpStatusCode.OK)).GetProperty("state").GetString());
        await Json(await _http.PostAsync("/api/campaigns/c-nope/pause", null), HttpStatusCode.NotFound);

        string audit = await _http.GetStringAsync("/api/audit?limit=20");
        Assert.Contains("campaign.pause", audit);
        Assert.Contains("campaign.resume", audit);
        Assert.Contains("state=Paused", audit);
    }

    [Fact]
    public async Task A_campaign_with_rollback_shows_it_armed_then_the_rollback_campaign_after_the_halt()
    {
        var ids = await RegisterAsync(4, OtaTestPackages.Board);
        byte[] previous = OtaTestPackages.Make("1.0.0");
        var body = new
        {
            package = OtaTestPackages.Make("2.0.0"), board = OtaTestPackages.Board, canaryPercent = 100, successThreshold = 0.5,
            rollback = new { package = previous, downgradeAuthorization = OtaTestPackages.Authorization(previous, ids.ToArray(), counter: 42) },
        };
        var created = await Json(await _http.PostAsJsonAsync("/api/campaigns", body), HttpStatusCode.Created);
        string campaign = created.GetProperty("id").GetString()!;
        var armed = created.GetProperty("rollback");
        Assert.Equal(("1.0.0", 42, JsonValueKind.Null), (armed.GetProperty("version").GetString(), armed.GetProperty("downgradeCounter").GetInt32(),
            armed.GetProperty("campaignId").ValueKind));

        var engine = _factory.Services.GetRequiredService<CampaignEngine>();
        await engine.Result(ids[0], campaign, true, "2.0.0");
        foreach (var id in ids.Skip(1)) await engine.Result(id, campaign, false, "1.0.0", "x: y");
        var halted = await Json(await _http.GetAsync($"/api/campaigns/{campaign}"), HttpStatusCode.OK);
        Assert.StartsWith("canary: 3 of 4 failed", halted.GetProperty("stateReason").GetString());
        var rollback = halted.GetProperty("rollback");
        string rollbackId = rollback.GetProperty("campaignId").GetString()!;
        Assert.Equal(("rolling", 1, 1), (rollback.GetProperty("state").GetString(), rollback.GetProperty("counts").GetProperty("total").GetInt32(),
            rollback.GetProperty("counts").GetProperty("inFlight").GetInt32()));
        var shown = await Json(await _http.GetAsync($"/api/campaigns/{rollbackId}"), HttpStatusCode.OK);
        Assert.Equal((campaign, "1.0.0", true), (shown.GetProperty("rollbackOf").GetString(), shown.GetProperty("targetVersion").GetString(),
            shown.GetProperty("downgrade").GetBoolean()));
        Assert.Equal(ids[0], shown.GetProperty("devices")[0].GetProperty("deviceId").GetString());
        Assert.Contains("rollback campaign", (await Json(await _http.PostAsync($"/api/campaigns/{campaign}/resume", null), HttpStatusCode.Conflict)).GetProperty("error").GetString());
        Assert.Contains("rollback=True", await _http.GetStringAsync("/api/audit?limit=20"));

        var bad = await Json(await _http.PostAsJsonAsync("/api/campaigns", body with { rollback = new { package = previous, downgradeAuthorization = (byte[])[] } }),
            HttpStatusCode.BadRequest);
        Assert.StartsWith("rollback: ", bad.GetProperty("error").GetString());
        var badVersion = await Json(await _http.PostAsJsonAsync("/api/campaigns", new { package = OtaTestPackages.Make("2.0.0"), rollback = new { version = "1.0/../x" } }),
            HttpStatusCode.BadRequest);
        Assert.Contains("rollback.version", badVersion.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Bad_requests_and_unknown_campaigns_get_their_reason()
    {
        await RegisterAsync(2, OtaTestPackages.Board);
        var bad = await Json(await _http.PostAsJsonAsync("/api/campaigns", new { package = OtaTestPackages.Make("2.0.0"), canaryPercent = 0 }), HttpStatusCode.BadRequest);
        Assert.Contains("canaryPercent", bad.GetProperty("error").GetString());
        var empty = await Json(await _http.PostAsJsonAsync("/api/campaigns", new { package = OtaTestPackages.Make("2.0.0"), board = "no-such-board" }), HttpStatusCode.BadRequest);
        Assert.Contains("not built for board", empty.GetProperty("error").GetString());
        var noRepo = await Json(await _http.PostAsJsonAsync("/api/campaigns", new { version = "2.0.0" }), HttpStatusCode.BadRequest);
        Assert.Contains("no firmware repository", noRepo.GetProperty("error").GetString());
        var legacy = await Json(await _http.PostAsJsonAsync("/api/campaigns", new { package = OtaTestPackages.Make("0.5.0"), allowDowngrade = true }), HttpStatusCode.BadRequest);
        Assert.Contains("downgradeAuthorization", legacy.GetProperty("error").GetString());
        await Json(await _http.GetAsync("/api/campaigns/c-nope"), HttpStatusCode.NotFound);
        await Json(await _http.PostAsync("/api/campaigns/c-nope/resume", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_gated_campaign_is_created_with_its_stage_plan_and_shows_its_stages()
    {
        await RegisterAsync(20, OtaTestPackages.Board);
        var created = await Json(await _http.PostAsJsonAsync("/api/campaigns", new
        {
            name = "gated", package = OtaTestPackages.Make("2.0.0"),
            gate = new { stages = new[] { 10.0, 50, 100 }, dwellSeconds = 7200, devicesPerMinute = 5, drainRatio = 1.2, minDevices = 2 },
        }), HttpStatusCode.Created);
        var gate = created.GetProperty("gate");
        Assert.Equal(new[] { 10.0, 50, 100 }, gate.GetProperty("stagePercents").EnumerateArray().Select(p => p.GetDouble()));
        Assert.Equal((7200, 5.0, 1, 1), (gate.GetProperty("dwellSeconds").GetInt64(), gate.GetProperty("devicesPerMinute").GetDouble(),
            gate.GetProperty("stage").GetInt32(), gate.GetProperty("offered").GetInt32()));
        var thresholds = gate.GetProperty("thresholds");
        Assert.Equal((1.2, 2, 1.25), (thresholds.GetProperty("drainRatio").GetDouble(), thresholds.GetProperty("minDevices").GetInt32(),
            thresholds.GetProperty("wakeToPublishRatio").GetDouble())); // left out: the default
        var stages = gate.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(new[] { (2, "current"), (8, "pending"), (10, "pending") }, stages.Select(x => (x.GetProperty("devices").GetInt32(), x.GetProperty("status").GetString())));
        Assert.Equal(2, created.GetProperty("devices").EnumerateArray().Count(d => d.GetProperty("wave").GetString() == "stage 1"));
        // A campaign without "gate" is canary → rest as before.
        var plain = await Json(await _http.PostAsJsonAsync("/api/campaigns", new { package = OtaTestPackages.Make("3.0.0") }), HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("gate").ValueKind);
    }

    [Theory]
    [InlineData("""{"stages":[1,10,50]}""", "the last stage must be 100 %")]
    [InlineData("""{"stages":[10,5,100]}""", "stages must grow")]
    [InlineData("""{"stages":[1,2,3,4,5,6,7,8,9,10,100]}""", "gate.stages: at most 10 stages")]
    [InlineData("""{"stages":["NaN",100]}""", "each stage must be in (0, 100]")]
    [InlineData("""{"dwellSeconds":99999999999}""", "gate.dwellSeconds must be 1..2592000")]
    [InlineData("""{"dwellSeconds":0}""", "gate.dwellSeconds must be 1..")]
    [InlineData("""{"devicesPerMinute":0}""", "devicesPerMinute must be in (0, 10000]")]
    [InlineData("""{"crashFreeDrop":2}""", "crashFreeDrop must be in [0, 1]")]
    [InlineData("""{"reconnectRatio":0.5}""", "reconnectRatio must be in [1, 100]")]
    [InlineData("""{"wakeToPublishRatio":"Infinity"}""", "wakeToPublishRatio must be in [1, 100]")]
    [InlineData("""{"drainRatio":0.9}""", "drainRatio must be in [1, 100]")]
    [InlineData("""{"minDevices":0}""", "minDevices must be 1..100000")]
    public async Task A_bad_gate_is_refused_with_its_reason_and_changes_nothing(string gate, string why)
    {
        await RegisterAsync(4, OtaTestPackages.Board);
        string body = $$"""{"package":"{{Convert.ToBase64String(OtaTestPackages.Make("2.0.0"))}}","gate":{{gate}}}""";
        var bad = await Json(await _http.PostAsync("/api/campaigns", new StringContent(body, System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.Contains(why, bad.GetProperty("error").GetString());
        Assert.Empty((await Json(await _http.GetAsync("/api/campaigns"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Theory]
    [InlineData("\"gate\":\"1,10,100\"")]
    [InlineData("\"gate\":[1,10,100]")]
    [InlineData("\"gate\":{\"stages\":\"1,10,100\"}")]
    [InlineData("\"gate\":{\"stages\":[1,10,{}]}")]
    [InlineData("\"gate\":{\"minDevices\":1.5}")]
    [InlineData("\"gate\":{\"dwellSeconds\":1e400}")]
    [InlineData("\"gate\":{\"stages\":[1,10,")]
    public async Task A_malformed_or_truncated_gate_is_refused_and_changes_nothing(string gate)
    {
        await RegisterAsync(4, OtaTestPackages.Board);
        string body = $$"""{"package":"{{Convert.ToBase64String(OtaTestPackages.Make("2.0.0"))}}",{{gate}}}""";
        var response = await _http.PostAsync("/api/campaigns", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await Json(await _http.GetAsync("/api/campaigns"), HttpStatusCode.OK)).EnumerateArray());
    }

    [Fact]
    public async Task A_gate_with_a_canary_percent_is_refused()
    {
        await RegisterAsync(4, OtaTestPackages.Board);
        var bad = await Json(await _http.PostAsJsonAsync("/api/campaigns", new { package = OtaTestPackages.Make("2.0.0"), canaryPercent = 10, gate = new { } }),
            HttpStatusCode.BadRequest);
        Assert.Contains("canaryPercent does not apply to a gated campaign", bad.GetProperty("error").GetString());
        Assert.Empty((await Json(await _http.GetAsync("/api/campaigns"), HttpStatusCode.OK)).EnumerateArray());
    }

    public void Dispose()
    {
        _http.Dispose();
        _factory.Dispose();
    }
}

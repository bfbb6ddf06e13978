using System.Diagnostics;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>The fleet page lists the campaigns of a real receiver process: name, version, state and counts.</summary>
public sealed class CampaignPageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [ChromiumFact]
    public async Task The_page_shows_each_campaign_with_its_state_and_counts()
    {
        string db = _dir.File("campaigns.db");
        await using (var store = new SqliteCampaignStore(db))
        {
            await store.MigrateAsync();
            var engine = new CampaignEngine(store, new RecordingPublisher(), TimeProvider.System) { ReleasePublicKey = OtaTestPackages.ReleasePublicKey };
            var fleet = Enumerable.Range(0, 10).Select(i => new CohortDevice($"esp32-{i:x12}", OtaTestPackages.Board, "1.0.0", [])).ToList();
            var c = await engine.CreateAsync(new CampaignRequest { Name = "spring-rollout", Package = OtaTestPackages.Make("2.1.0"), SuccessThreshold = 1 }, fleet);
            await engine.Result(c.InWave(CampaignEngine.CanaryWave).Single().DeviceId, c.Id, false, "1.0.0", "rolled-back: no sensor");
        }
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db, "--release-pub", OtaTestPackages.Release.PublicKeyFile()]);
        string dom = await Chromium.DumpDomAsync(receiver.PageWithToken(await receiver.CreateTokenAsync("viewer")), _dir);
        int row = dom.IndexOf("spring-rollout", StringComparison.Ordinal);
        Assert.True(row >= 0, "the campaign is not on the page:\n" + dom);
        string rest = dom[row..];
        Assert.Contains("2.1.0", rest);
        Assert.Contains(">halted<", rest);
        Assert.Contains("0 / 1 / 10", rest);
        Assert.DoesNotContain("id=\"campaigns-box\" hidden", dom);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}

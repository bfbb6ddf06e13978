using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.Ota;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>
/// A receiver with the fleet's release key, attacked by the holder of an operator token: packages signed by another key,
/// manifests changed after signing, a downgrade authorized by another key — each refused with nothing stored or
/// published. A campaign planted in its database before the key was configured is not served; one signed by the release
/// key is, which also shows that the offers the refusals check for would have been seen.
/// </summary>
public sealed class FirmwareTrustAttackTests(FirmwareTrustAttackTests.Cloud cloud) : IClassFixture<FirmwareTrustAttackTests.Cloud>
{
    public const string PlantedDevice = "esp32-7c0000000001";
    public const string GenuineDevice = "esp32-7c0000000002";

    /// <summary>
    /// The receiver starts over a database where a keyless receiver stored a campaign signed by another key (running, and a
    /// draft) and a configured one stored a campaign signed by the release key.
    /// </summary>
    public sealed class Cloud() : CampaignCloud(withReleaseKey: true)
    {
        protected override async Task SeedAsync(ICampaignStore store)
        {
            byte[] planted = OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "3.0.0");
            await store.SaveCampaignAsync(StoredCampaigns.Of("c-planted", CampaignState.Canary, planted, PlantedDevice));
            await store.SaveCampaignAsync(StoredCampaigns.Of("c-planted-draft", CampaignState.Draft, planted, "esp32-7c0000000003"));
            await store.SaveCampaignAsync(StoredCampaigns.Of("c-planted-paused", CampaignState.Paused, planted, "esp32-7c0000000004"));
            await store.SaveCampaignAsync(StoredCampaigns.Of("c-genuine", CampaignState.Canary, OtaTestPackages.Make("2.0.0"), GenuineDevice));
        }
    }

    [Theory]
    [InlineData("another key", "esp32-7d0000000001")]
    [InlineData("another key naming the release key's id", "esp32-7d0000000002")]
    [InlineData("no signature", "esp32-7d0000000003")]
    public async Task A_package_signed_by_another_key_is_refused_and_nothing_is_stored_or_published(string signer, string device)
    {
        byte[] package = signer switch
        {
            "another key" => OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "2.1.0"),
            "another key naming the release key's id" => OtaTestPackages.Tampered(OtaTestPackages.Make("2.1.0"), _ => { }, resignWith: OtaTestPackages.Stranger),
            _ => OtaTestPackages.WithSignature(OtaTestPackages.Make("2.1.0"), new byte[64]),
        };
        await cloud.AssertRefusedAsync(device, new { package, canaryPercent = 100 }, signer == "another key" ? "unknown-key" : "bad-signature");
    }

    [Theory]
    [InlineData("a newer version", "esp32-7e0000000001")]
    [InlineData("a higher security version", "esp32-7e0000000002")]
    [InlineData("another file hash", "esp32-7e0000000003")]
    [InlineData("another board", "esp32-7e0000000004")]
    public async Task A_tampered_manifest_is_refused_and_nothing_is_stored_or_published(string change, string device)
    {
        Action<FirmwareManifest> tamper = change switch
        {
            "a newer version" => m => m.Version = FirmwareVersion.Parse("9.0.0"),
            "a higher security version" => m => m.SecurityVersion = 99,
            "another file hash" => m => m.Files[0] = new ManifestFile(m.Files[0].Name, m.Files[0].Size, new byte[32]),
            _ => m => m.Boards = [OtaTestPackages.Board, "esp32-other"],
        };
        byte[] package = OtaTestPackages.Tampered(OtaTestPackages.Make("2.1.0"), tamper);
        await cloud.AssertRefusedAsync(device, new { package, canaryPercent = 100 }, "bad-signature");
    }

    [Theory]
    [InlineData(false, "esp32-7f0000000001")]
    [InlineData(true, "esp32-7f0000000002")]
    public async Task A_downgrade_whose_authorization_is_signed_by_another_key_is_refused_and_nothing_is_stored_or_published(bool claimsReleaseKeyId, string device)
    {
        byte[] older = OtaTestPackages.Make("0.9.0");
        byte[] authorization = OtaTestPackages.Authorization(older, [device], counter: 5, signer: OtaTestPackages.Stranger,
            tweak: claimsReleaseKeyId ? a => a.KeyId = OtaTestPackages.Release.KeyId : null);
        await cloud.AssertRefusedAsync(device, new { package = older, canaryPercent = 100, downgradeAuthorization = authorization },
            "not signed by the release key");
    }

    [Theory]
    [InlineData("signed by another key", "esp32-7f0000000011")]
    [InlineData("for another version", "esp32-7f0000000012")]
    [InlineData("for another device class", "esp32-7f0000000013")]
    public async Task A_rollback_whose_authorization_the_release_key_does_not_give_for_this_campaign_is_refused_and_nothing_is_stored_or_published(
        string attack, string device)
    {
        byte[] previous = OtaTestPackages.Make("1.0.0");
        byte[] otherBoard = OtaTestPackages.Tampered(previous, m => m.Boards = ["esp32-other-board"], resignWith: OtaTestPackages.Release);
        var (package, authorization, reason) = attack switch
        {
            "signed by another key" => (previous, OtaTestPackages.Authorization(previous, [device], 5, signer: OtaTestPackages.Stranger), "rollback: the downgrade authorization is not signed by the release key"),
            "for another version" => (previous, OtaTestPackages.Authorization(OtaTestPackages.Make("0.9.0"), [device], 5), "rollback: the downgrade authorization is for 0.9.0 with another manifest, not for this package 1.0.0"),
            _ => (otherBoard, OtaTestPackages.Authorization(otherBoard, [device], 5), "rollback: package 1.0.0 refused: board-mismatch"),
        };
        await cloud.AssertRefusedAsync(device, new
        {
            package = OtaTestPackages.Make("2.1.0"), canaryPercent = 100, rollback = new { package, downgradeAuthorization = authorization },
        }, reason);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("provisioner")]
    public async Task A_role_without_campaign_rights_cannot_create_a_campaign_with_rollback(string role)
    {
        const string device = "esp32-7f0000000021";
        await cloud.RegisterAsync(device);
        byte[] previous = OtaTestPackages.Make("1.0.0");
        string token = await cloud.Receiver.CreateTokenAsync(role, "no-campaign-rights-" + role);
        string before = await cloud.StateAsync();
        using var http = cloud.Receiver.Client(token);
        var response = await http.PostAsJsonAsync("/api/campaigns", new
        {
            package = OtaTestPackages.Make("2.1.0"), canaryPercent = 100,
            rollback = new { package = previous, downgradeAuthorization = OtaTestPackages.Authorization(previous, [device], 5) },
        });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("it needs operator or admin", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(before, await cloud.StateAsync());
    }

    [Fact]
    public async Task A_campaign_planted_before_the_key_was_configured_is_neither_republished_nor_resumed()
    {
        // On connecting, the receiver republished the offers of the campaigns it verified: the genuine one's is retained.
        await using (var genuine = await cloud.WatchOffersAsync(GenuineDevice))
        {
            var offer = await CampaignCloud.NextOfferAsync(genuine, TimeSpan.FromSeconds(10));
            Assert.NotNull(offer);
            Assert.Equal("c-genuine", OtaMessages.DecodeOffer(offer).CampaignId);
        }
        var planted = await cloud.WatchOffersAsync(PlantedDevice);
        string before = await cloud.StateAsync();
        using var http = cloud.Receiver.Client(cloud.Operator);
        var resume = await http.PostAsync("/api/campaigns/c-planted-draft/resume", null);
        var error = (await resume.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Contains("not resumed", error);
        Assert.Contains("unknown-key", error);
        var paused = await http.PostAsync("/api/campaigns/c-planted-paused/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, paused.StatusCode);
        Assert.Contains("not resumed", (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        var shown = await http.GetFromJsonAsync<JsonElement>("/api/campaigns/c-planted");
        Assert.Contains("unknown-key", shown.GetProperty("trustProblem").GetString());
        Assert.Equal(JsonValueKind.Null, (await http.GetFromJsonAsync<JsonElement>("/api/campaigns/c-genuine")).GetProperty("trustProblem").ValueKind);
        Assert.Equal(before, await cloud.StateAsync());
        await cloud.AssertNoOfferAsync(planted);
    }

    [Fact]
    public async Task A_campaign_signed_by_the_release_key_reaches_its_device()
    {
        const string device = "esp32-7c00000000aa";
        await cloud.RegisterAsync(device, "positive-control");
        await using var watcher = await cloud.WatchOffersAsync(device);
        var (status, error, body) = await cloud.CreateCampaignAsync(new { package = OtaTestPackages.Make("2.2.0"), canaryPercent = 100, tags = new[] { "positive-control" } });
        Assert.True(status == HttpStatusCode.Created, $"{status}: {error}");
        var offer = await CampaignCloud.NextOfferAsync(watcher, TimeSpan.FromSeconds(10));
        Assert.NotNull(offer);
        Assert.Equal(body.GetProperty("id").GetString(), OtaMessages.DecodeOffer(offer).CampaignId);
    }
}

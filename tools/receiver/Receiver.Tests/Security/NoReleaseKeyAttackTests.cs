using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.Ota;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>
/// Issue 12: a receiver started without a release public key accepted campaigns signed by anyone and published their
/// offers retained. Now it refuses every campaign, naming the option, and serves none it finds in its database.
/// </summary>
public sealed class NoReleaseKeyAttackTests(NoReleaseKeyAttackTests.Cloud cloud) : IClassFixture<NoReleaseKeyAttackTests.Cloud>
{
    public const string OfferedBefore = "esp32-7b0000000001";

    /// <summary>A receiver without --release-pub over a database holding a running and a draft campaign, both signed by the release key.</summary>
    public sealed class Cloud() : CampaignCloud(withReleaseKey: false)
    {
        protected override async Task SeedAsync(ICampaignStore store)
        {
            await store.SaveCampaignAsync(StoredCampaigns.Of("c-running-before", CampaignState.Canary, OtaTestPackages.Make("2.0.0"), OfferedBefore));
            await store.SaveCampaignAsync(StoredCampaigns.Of("c-draft-before", CampaignState.Draft, OtaTestPackages.Make("2.0.0"), "esp32-7b0000000002"));
        }
    }

    [Theory]
    [InlineData("signed by the release key", "esp32-7a0000000001")]
    [InlineData("signed by anyone", "esp32-7a0000000002")]
    [InlineData("an anonymous downgrade", "esp32-7a0000000003")]
    [InlineData("a draft", "esp32-7a0000000004")]
    [InlineData("a repository version", "esp32-7a0000000005")]
    public async Task Without_a_release_key_every_campaign_is_refused_naming_the_option_and_nothing_is_stored_or_published(string campaign, string device)
    {
        byte[] genuine = OtaTestPackages.Make("2.0.0");
        byte[] older = OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "0.9.0");
        object body = campaign switch
        {
            "signed by the release key" => new { package = genuine, canaryPercent = 100 },
            "signed by anyone" => new { package = OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "2.0.0"), canaryPercent = 100 },
            "an anonymous downgrade" => new
            {
                package = older, canaryPercent = 100,
                downgradeAuthorization = OtaTestPackages.Authorization(older, [device], signer: OtaTestPackages.Stranger),
            },
            "a draft" => new { package = genuine, start = false },
            _ => new { version = "2.0.0" },
        };
        await cloud.AssertRefusedAsync(device, body, "--release-pub");
    }

    [Fact]
    public async Task Campaigns_stored_before_are_neither_republished_nor_resumed_without_the_key()
    {
        // The receiver connected to the broker before this test ran: a republished offer would be retained by now.
        var watcher = await cloud.WatchOffersAsync(OfferedBefore);
        string before = await cloud.StateAsync();
        using var http = cloud.Receiver.Client(cloud.Operator);
        var resume = await http.PostAsync("/api/campaigns/c-draft-before/resume", null);
        var error = (await resume.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
        Assert.Equal(HttpStatusCode.Conflict, resume.StatusCode);
        Assert.Contains("not resumed", error);
        Assert.Contains("--release-pub", error);
        var shown = await http.GetFromJsonAsync<JsonElement>("/api/campaigns/c-running-before");
        Assert.Contains("--release-pub", shown.GetProperty("trustProblem").GetString());
        Assert.Equal(before, await cloud.StateAsync());
        await cloud.AssertNoOfferAsync(watcher);
    }
}

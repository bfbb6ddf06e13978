using System.Security.Cryptography;
using System.Text.Json;
using NodeFirmware.Receiver.Ota;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>Reading the repository layout `nodectl firmware publish` writes (docs/formats/firmware-package.md).</summary>
public sealed class FirmwareRepositoryReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fw-repo-").FullName;

    private byte[] Publish(string version, byte[] package, string? claimedSha = null, bool signatureChecked = true)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "packages"));
        string sha = Convert.ToHexStringLower(SHA256.HashData(package));
        string file = $"packages/nodefw-{version.Replace('+', '_')}-{sha[..8]}.nfw";
        File.WriteAllBytes(Path.Combine(_dir, file), package);
        var index = new
        {
            format = "nodefw-firmware-index", version = 1,
            packages = new[] { new { version, file, sha256 = claimedSha ?? sha, size = package.Length, signatureChecked } },
        };
        File.WriteAllText(Path.Combine(_dir, "index.json"), JsonSerializer.Serialize(index));
        return package;
    }

    [Fact]
    public async Task A_campaign_can_name_a_published_version()
    {
        byte[] package = Publish("2.0.0+3", OtaTestPackages.Make("2.0.0+3"));
        var repo = new FirmwareRepositoryReader(_dir);
        Assert.Equal(package, repo.Load("2.0.0+3"));
        var engine = new CampaignEngine(new InMemoryCampaignStore(), new RecordingPublisher(), TimeProvider.System, repo)
        {
            ReleasePublicKey = OtaTestPackages.ReleasePublicKey,
        };
        var c = await engine.CreateAsync(new CampaignRequest { Version = "2.0.0+3" }, Device);
        Assert.Equal("2.0.0+3", c.TargetVersion);
        Assert.Contains("not in the firmware repository", Assert.Throws<ArgumentException>(() => repo.Load("9.9.9")).Message);
    }

    private static readonly CohortDevice[] Device = [new("esp32-000000000001", OtaTestPackages.Board, "1.0.0", [])];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_release_key_a_published_version_is_refused_whatever_publish_checked(bool signatureChecked)
    {
        Publish("2.0.0", OtaTestPackages.Make("2.0.0"), signatureChecked: signatureChecked);
        var wire = new RecordingPublisher();
        var store = new InMemoryCampaignStore();
        var engine = new CampaignEngine(store, wire, TimeProvider.System, new FirmwareRepositoryReader(_dir));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(new CampaignRequest { Version = "2.0.0" }, Device));
        Assert.Contains("--release-pub", e.Message);
        Assert.Empty(await store.LoadAllAsync());
        Assert.Empty(wire.Published);
    }

    [Fact]
    public async Task A_published_version_signed_by_another_key_is_refused_although_the_index_says_its_signature_was_checked()
    {
        Publish("2.0.0", OtaTestPackages.MakeSignedBy(OtaTestPackages.Stranger, "2.0.0"), signatureChecked: true);
        var wire = new RecordingPublisher();
        var store = new InMemoryCampaignStore();
        var engine = new CampaignEngine(store, wire, TimeProvider.System, new FirmwareRepositoryReader(_dir))
        {
            ReleasePublicKey = OtaTestPackages.ReleasePublicKey,
        };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(new CampaignRequest { Version = "2.0.0" }, Device));
        Assert.Contains("unknown-key", e.Message);
        Assert.Empty(await store.LoadAllAsync());
        Assert.Empty(wire.Published);
    }

    [Fact]
    public void A_package_that_does_not_match_its_index_entry_is_refused()
    {
        Publish("2.0.0", OtaTestPackages.Make("2.0.0"), claimedSha: new string('0', 64));
        Assert.Contains("does not match its index entry", Assert.Throws<InvalidDataException>(() => new FirmwareRepositoryReader(_dir).Load("2.0.0")).Message);
    }

    [Fact]
    public void A_folder_without_an_index_is_named_in_the_error()
    {
        Assert.Contains(_dir, Assert.Throws<FileNotFoundException>(() => new FirmwareRepositoryReader(_dir).List()).Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

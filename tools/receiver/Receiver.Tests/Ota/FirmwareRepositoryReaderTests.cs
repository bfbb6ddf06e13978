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
        var engine = new CampaignEngine(new InMemoryCampaignStore(), new RecordingPublisher(), TimeProvider.System, repo);
        var c = await engine.CreateAsync(new CampaignRequest { Version = "2.0.0+3" },
            [new CohortDevice("esp32-000000000001", OtaTestPackages.Board, "1.0.0", [])]);
        Assert.Equal("2.0.0+3", c.TargetVersion);
        Assert.Contains("not in the firmware repository", Assert.Throws<ArgumentException>(() => repo.Load("9.9.9")).Message);
    }

    [Fact]
    public async Task A_package_published_without_a_signature_check_is_refused_when_the_receiver_has_no_release_key()
    {
        Publish("2.0.0", OtaTestPackages.Make("2.0.0"), signatureChecked: false);
        var engine = new CampaignEngine(new InMemoryCampaignStore(), new RecordingPublisher(), TimeProvider.System, new FirmwareRepositoryReader(_dir));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => engine.CreateAsync(new CampaignRequest { Version = "2.0.0" },
            [new CohortDevice("esp32-000000000001", OtaTestPackages.Board, "1.0.0", [])]));
        Assert.Contains("without --pubkey", e.Message);
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

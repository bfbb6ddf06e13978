using NodeFirmware.Nodectl.Campaigns;
using NodeFirmware.Nodectl.Firmware;
using NSec.Cryptography;

namespace NodeFirmware.Nodectl.Tests.Campaigns;

/// <summary>What <c>nodectl campaign create</c> refuses before sending: a rollback that is only half given, or packages over one request.</summary>
public sealed class CampaignCreateRequestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nodectl-create-").FullName;

    /// <summary>A signed package holding one file of <paramref name="size"/> bytes.</summary>
    private string Package(string version, int size)
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        string file = Path.Combine(_dir, $"app-{version}.pe");
        File.WriteAllBytes(file, new byte[size]);
        string path = Path.Combine(_dir, $"app-{version}.nfw");
        File.WriteAllBytes(path, PackageSigner.Sign(key, key.PublicKey.Export(KeyBlobFormat.RawPublicKey),
            new PackageSigner.Request(version, ["esp32-devkitc-v4"], [file], 1, 1_764_000_000)));
        return path;
    }

    private static (CampaignCreateRequest, string) Build(string package, string? rollbackPackage, string? rollbackVersion, string? authorization) =>
        CampaignCreateRequest.Build(package, null, null, null, null, null, null, null, null, null, null, false, rollbackPackage, rollbackVersion, authorization);

    [Fact]
    public void A_rollback_goes_in_the_body_by_package_or_version_and_half_a_rollback_is_refused()
    {
        string package = Package("2.0.0", 1000), previous = Package("1.0.0", 1000), authorization = Path.Combine(_dir, "back.nfa");
        File.WriteAllBytes(authorization, [1, 2, 3]);
        var (request, describes) = Build(package, previous, null, authorization);
        Assert.Equal([1, 2, 3], request.Rollback!.DowngradeAuthorization);
        Assert.Null(request.Rollback.Version);
        Assert.Equal(File.ReadAllBytes(previous), request.Rollback.Package);
        Assert.Contains("rollback if it halts: " + previous + ": version 1.0.0", describes);
        Assert.Equal("1.0.0", Build(package, null, "1.0.0", authorization).Item1.Rollback!.Version);
        Assert.Null(Build(package, null, null, null).Item1.Rollback);
        foreach (var (p, v, a) in new[] { (previous, null, null), ((string?)null, "1.0.0", (string?)null), (null, null, authorization), (previous, "1.0.0", authorization) })
            Assert.Contains("a rollback needs exactly one of", Assert.Throws<ArgumentException>(() => Build(package, p, v, a)).Message);
    }

    [Fact]
    public void A_package_and_a_rollback_package_over_one_request_are_refused_naming_the_repository_instead()
    {
        int half = CampaignCreateRequest.MaxPackageBytes / 2 + 1;
        string package = Package("2.0.0", half), previous = Package("1.0.0", half), authorization = Path.Combine(_dir, "back.nfa");
        File.WriteAllBytes(authorization, [1]);
        Assert.Contains("--rollback-version", Assert.Throws<ArgumentException>(() => Build(package, previous, null, authorization)).Message);
        Assert.NotNull(Build(package, null, "1.0.0", authorization).Item1.Rollback);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

using NodeFirmware.Core.Ota;
using NodeFirmware.Nodectl.Firmware;

namespace NodeFirmware.Nodectl.Tests.Firmware;

/// <summary>nodectl firmware sign --svn and authorize-downgrade, checked with the device's own verifier.</summary>
public sealed class DowngradeAuthorizationCommandTests() : FirmwareCommandFixture("nodectl-dg-")
{
    private byte[] SignedPackage(string version, params string[] extra)
    {
        if (!File.Exists(P("release.key")))
            Assert.Equal(0, Run("firmware", "keygen", "--out", P("release.key"), "--kdf-iterations", "100000", "--passphrase-env", _passphraseVariable).Exit);
        File.WriteAllBytes(P("App.pe"), new byte[] { 1, 2, 3, 4 });
        var r = Run(new[] { "firmware", "sign", "--key", P("release.key"), "--version", version, "--board", "esp32-devkitc-v4", "--files", P("App.pe"),
            "--out", P(version + ".nfw"), "--created", "1764028800", "--passphrase-env", _passphraseVariable }.Concat(extra).ToArray());
        Assert.True(r.Exit == 0, r.Err);
        return File.ReadAllBytes(P(version + ".nfw"));
    }

    private byte[] PublicKey => ReleaseKeyStore.LoadPublicKey(P("release.pub"));

    [Fact]
    public void Sign_sets_the_security_version_default_0()
    {
        Assert.Equal(0, FirmwarePackage.Parse(SignedPackage("1.0.0")).Manifest.SecurityVersion);
        Assert.Equal(4, FirmwarePackage.Parse(SignedPackage("1.1.0", "--svn", "4")).Manifest.SecurityVersion);
        Assert.Contains("svn          4", Run("firmware", "verify", P("1.1.0.nfw"), "--pubkey", P("release.pub")).Out);
        var bad = Run("firmware", "sign", "--key", P("release.key"), "--version", "1.2.0", "--board", "b", "--files", P("App.pe"), "--out", P("x.nfw"),
            "--svn", "-1", "--passphrase-env", _passphraseVariable);
        Assert.Equal(1, bad.Exit);
        Assert.Contains("--svn", bad.Err);
    }

    [Fact]
    public void Authorize_downgrade_writes_a_file_the_device_accepts_for_the_named_devices_only()
    {
        byte[] package = SignedPackage("1.0.0", "--svn", "1");
        var r = Run("firmware", "authorize-downgrade", "--key", P("release.key"), "--package", P("1.0.0.nfw"), "--devices", "esp32-aa,esp32-bb",
            "--counter", "12", "--expires", "1900000000", "--out", P("back.nfa"), "--passphrase-env", _passphraseVariable);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("counter      12", r.Out);
        var file = DowngradeAuthorizationFile.Parse(File.ReadAllBytes(P("back.nfa")));
        Assert.Equal(new[] { "esp32-aa", "esp32-bb" }, file.Authorization.DeviceIds);
        var parsed = FirmwarePackage.Parse(package);
        byte[] digest = System.Security.Cryptography.SHA256.HashData(parsed.ManifestBytes);
        string? Check(string device) => new DowngradeAuthorizationVerifier(PublicKey, device).Verify(file.Document, file.Signature, digest,
            parsed.Manifest.Version, FirmwareVersion.Parse("1.1.0"), 11, 1_800_000_000, true, out var reason) is null ? reason : null;
        Assert.Null(Check("esp32-bb"));
        Assert.Contains("does not name this device", Check("esp32-cc"));
    }

    [Fact]
    public void Authorize_downgrade_refuses_what_it_cannot_sign_safely()
    {
        SignedPackage("1.0.0");
        string[] Base(params string[] extra) => new[] { "firmware", "authorize-downgrade", "--key", P("release.key"), "--package", P("1.0.0.nfw"),
            "--out", P("x.nfa"), "--passphrase-env", _passphraseVariable }.Concat(extra).ToArray();
        Assert.Contains("name the devices", Run(Base("--counter", "1")).Err);
        Assert.Contains("counter", Run(Base("--devices", "esp32-aa", "--counter", "0")).Err);
        Assert.Contains("--from-version", Run(Base("--from-version", "x.y", "--counter", "1")).Err);
        Assert.Equal(0, Run(Base("--from-version", "1.1.0", "--counter", "1")).Exit);
        Assert.Empty(DowngradeAuthorizationFile.Parse(File.ReadAllBytes(P("x.nfa"))).Authorization.DeviceIds);
    }
}

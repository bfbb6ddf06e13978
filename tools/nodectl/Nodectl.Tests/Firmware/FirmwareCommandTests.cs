using System.Text.Json.Nodes;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Ota;
using NodeFirmware.Nodectl.Firmware;

namespace NodeFirmware.Nodectl.Tests.Firmware;

/// <summary>nodectl firmware keygen → sign → verify → publish, in-process, in a fresh temp folder per test.</summary>
public sealed class FirmwareCommandTests() : FirmwareCommandFixture("nodectl-fw-")
{
    private void Keygen(string name = "release")
    {
        var r = Run("firmware", "keygen", "--out", P(name + ".key"), "--kdf-iterations", "100000", "--passphrase-env", _passphraseVariable);
        Assert.True(r.Exit == 0, r.Err);
    }

    private string[] MakeFiles(int seed, params int[] sizes)
    {
        var random = new Random(seed);
        var paths = new string[sizes.Length];
        for (int i = 0; i < sizes.Length; i++)
        {
            var bytes = new byte[sizes[i]];
            random.NextBytes(bytes);
            paths[i] = P($"App{seed}_{i}.pe");
            File.WriteAllBytes(paths[i], bytes);
        }
        return paths;
    }

    private (int Exit, string Out, string Err) Sign(string version, string output, string[] files, string key = "release", params string[] extra) =>
        Run(new[] { "firmware", "sign", "--key", P(key + ".key"), "--version", version, "--board", "esp32-devkitc-v4", "--board", "firebeetle-esp32",
                "--files" }.Concat(files).Concat(new[] { "--out", P(output), "--created", "1764028800", "--passphrase-env", _passphraseVariable }).Concat(extra).ToArray());

    [Fact]
    public void Keygen_writes_an_encrypted_private_key_and_a_hex_public_key()
    {
        Keygen();
        string pub = File.ReadAllText(P("release.pub")).Trim();
        Assert.Matches("^[0-9a-f]{64}$", pub);
        var doc = JsonNode.Parse(File.ReadAllText(P("release.key")))!.AsObject();
        Assert.Equal("nodefw-release-key", (string?)doc["format"]);
        Assert.Equal("AES-256-GCM", (string?)doc["cipher"]!["name"]);
        Assert.Equal(pub, (string?)doc["publicKey"]);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(P("release.key")));

        // The documented format, decrypted with nothing but standard primitives, gives the seed of the public key.
        var kdf = doc["kdf"]!;
        var cipher = doc["cipher"]!;
        byte[] aesKey = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2("correct horse battery staple"u8.ToArray(),
            Convert.FromBase64String((string)kdf["salt"]!), (int)kdf["iterations"]!, System.Security.Cryptography.HashAlgorithmName.SHA256, 32);
        byte[] seed = new byte[32];
        using (var gcm = new System.Security.Cryptography.AesGcm(aesKey, 16))
            gcm.Decrypt(Convert.FromBase64String((string)cipher["nonce"]!), Convert.FromBase64String((string)doc["ciphertext"]!),
                Convert.FromBase64String((string)cipher["tag"]!), seed, System.Text.Encoding.ASCII.GetBytes("nodefw-release-key/1/" + pub));
        using var imported = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, seed, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        Assert.Equal(pub, Convert.ToHexStringLower(imported.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey)));
        string file = File.ReadAllText(P("release.key"));
        Assert.DoesNotContain(Convert.ToHexStringLower(seed), file);
        Assert.DoesNotContain(Convert.ToBase64String(seed), file);
    }

    [Fact]
    public void Keygen_refuses_to_overwrite_a_key_and_short_passphrases()
    {
        Keygen();
        var again = Run("firmware", "keygen", "--out", P("release.key"), "--kdf-iterations", "100000", "--passphrase-env", _passphraseVariable);
        Assert.Equal(1, again.Exit);
        Assert.Contains("refusing to overwrite", again.Err);

        string shortVar = _passphraseVariable + "_SHORT";
        Environment.SetEnvironmentVariable(shortVar, "short");
        try
        {
            var r = Run("firmware", "keygen", "--out", P("other.key"), "--passphrase-env", shortVar);
            Assert.Equal(1, r.Exit);
            Assert.Contains("at least 12 characters", r.Err);
        }
        finally
        {
            Environment.SetEnvironmentVariable(shortVar, null);
        }
    }

    [Fact]
    public void A_wrong_passphrase_or_an_edited_key_file_is_refused_with_a_reason()
    {
        Keygen();
        var wrong = Assert.Throws<FirmwareToolException>(() => ReleaseKeyStore.Load(P("release.key"), "not the passphrase", out _));
        Assert.Contains("wrong passphrase", wrong.Message);

        // Swapping in another public key (so packages would name the wrong signer) breaks the GCM tag.
        var doc = JsonNode.Parse(File.ReadAllText(P("release.key")))!.AsObject();
        Keygen("other");
        var otherPub = File.ReadAllText(P("other.pub")).Trim();
        doc["publicKey"] = otherPub;
        doc["keyId"] = Convert.ToHexStringLower(ReleaseKey.KeyId(Convert.FromHexString(otherPub)));
        File.WriteAllText(P("edited.key"), doc.ToJsonString());
        var edited = Assert.Throws<FirmwareToolException>(() => ReleaseKeyStore.Load(P("edited.key"), "correct horse battery staple", out _));
        Assert.Contains("altered", edited.Message);
    }

    [Fact]
    public void Sign_then_verify_succeeds_and_the_device_side_checks_accept_the_package()
    {
        Keygen();
        var files = MakeFiles(1, 5000, 0, 1234);
        var signed = Sign("1.5.0+12", "app.nfw", files);
        Assert.True(signed.Exit == 0, signed.Err);
        Assert.Contains("1.5.0+12", signed.Out);

        var verified = Run("firmware", "verify", P("app.nfw"), "--pubkey", P("release.pub"), "--board", "firebeetle-esp32");
        Assert.True(verified.Exit == 0, verified.Err);
        Assert.Contains("OK", verified.Out);
        Assert.Contains("App1_0.pe", verified.Out);

        // What the Loader does with it: unpack into a slot and verify with Core's code.
        byte[] package = File.ReadAllBytes(P("app.nfw"));
        var p = FirmwarePackage.Parse(package);
        var slots = new MemorySlotStorage(1 << 20);
        slots.Write(0, SlotLayout.ManifestFileName, 0, p.ManifestBytes.Concat(p.Signature).ToArray(), 0, p.ManifestBytes.Length + 64);
        for (int i = 0; i < p.Manifest.Files.Length; i++)
        {
            var content = p.FileContent(package, i);
            slots.Write(0, p.Manifest.Files[i].Name, 0, content, 0, content.Length);
        }
        var publicKey = Convert.FromHexString(File.ReadAllText(P("release.pub")).Trim());
        var manifest = new SlotVerifier(slots, new ManifestVerifier(publicKey, "esp32-devkitc-v4", 1)).Verify(0, out string reason);
        Assert.True(manifest != null, reason);
        Assert.Equal(new[] { "App1_0.pe", "App1_1.pe", "App1_2.pe" }, manifest!.Files.Select(f => f.Name));
        Assert.Equal(1764028800, manifest.CreatedUnixTime);
    }

    [Fact]
    public void Verify_names_what_is_wrong_with_a_tampered_package_or_a_foreign_key()
    {
        Keygen();
        Keygen("other");
        Assert.Equal(0, Sign("2.0.0", "app.nfw", MakeFiles(2, 3000)).Exit);
        byte[] good = File.ReadAllBytes(P("app.nfw"));

        var foreign = Run("firmware", "verify", P("app.nfw"), "--pubkey", P("other.pub"));
        Assert.Equal(1, foreign.Exit);
        Assert.Contains("signed by key", foreign.Err);

        var content = good.ToArray();
        content[^10] ^= 0x01;
        File.WriteAllBytes(P("content.nfw"), content);
        var r1 = Run("firmware", "verify", P("content.nfw"), "--pubkey", P("release.pub"));
        Assert.Equal(1, r1.Exit);
        Assert.Contains("SHA-256 of 'App2_0.pe'", r1.Err);

        var p = FirmwarePackage.Parse(good);
        var signature = good.ToArray();
        signature[8 + p.ManifestBytes.Length + 5] ^= 0x40;
        File.WriteAllBytes(P("sig.nfw"), signature);
        var r2 = Run("firmware", "verify", P("sig.nfw"), "--pubkey", P("release.pub"));
        Assert.Equal(1, r2.Exit);
        Assert.Contains("signature does not verify", r2.Err);

        File.WriteAllBytes(P("short.nfw"), good[..^1]);
        var r3 = Run("firmware", "verify", P("short.nfw"), "--pubkey", P("release.pub"));
        Assert.Equal(1, r3.Exit);
        Assert.Contains("add up", r3.Err);

        var r4 = Run("firmware", "verify", P("app.nfw"), "--pubkey", P("release.pub"), "--board", "heltec-lora32");
        Assert.Equal(1, r4.Exit);
        Assert.Contains("not for board 'heltec-lora32'", r4.Err);
    }

    [Fact]
    public void Sign_refuses_bad_versions_and_file_names()
    {
        Keygen();
        var r1 = Sign("1.5", "x.nfw", MakeFiles(3, 10));
        Assert.Equal(1, r1.Exit);
        Assert.Contains("major.minor.patch", r1.Err);

        File.WriteAllBytes(P("bad name.pe"), new byte[] { 1 });
        var r2 = Sign("1.5.0", "x.nfw", new[] { P("bad name.pe") });
        Assert.Equal(1, r2.Exit);
        Assert.Contains("'bad name.pe' is not allowed", r2.Err);

        var r3 = Sign("1.5.0", "x.nfw", new[] { P("missing.pe") });
        Assert.Equal(1, r3.Exit);
        Assert.Contains("does not exist", r3.Err);
        Assert.False(File.Exists(P("x.nfw")));
    }

    [Fact]
    public void Signing_is_reproducible_for_the_same_inputs()
    {
        Keygen();
        var files = MakeFiles(4, 700, 300);
        Assert.Equal(0, Sign("1.0.0", "a.nfw", files).Exit);
        Assert.Equal(0, Sign("1.0.0", "b.nfw", files).Exit);
        Assert.Equal(File.ReadAllBytes(P("a.nfw")), File.ReadAllBytes(P("b.nfw")));
    }

    [Fact]
    public void Publish_builds_a_sorted_index_is_idempotent_and_refuses_changing_a_published_version()
    {
        Keygen();
        Assert.Equal(0, Sign("1.10.0", "new.nfw", MakeFiles(5, 100)).Exit);
        Assert.Equal(0, Sign("1.2.0+3", "old.nfw", MakeFiles(6, 200, 50)).Exit);
        string repo = P("repo");

        var r1 = Run("firmware", "publish", P("new.nfw"), "--repo", repo, "--pubkey", P("release.pub"));
        Assert.True(r1.Exit == 0, r1.Err);
        var r2 = Run("firmware", "publish", P("old.nfw"), "--repo", repo, "--pubkey", P("release.pub"));
        Assert.True(r2.Exit == 0, r2.Err);
        var again = Run("firmware", "publish", P("old.nfw"), "--repo", repo, "--pubkey", P("release.pub"));
        Assert.Equal(0, again.Exit);
        Assert.Contains("already published", again.Out);

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(repo, "index.json")))!.AsObject();
        Assert.Equal("nodefw-firmware-index", (string?)index["format"]);
        var packages = index["packages"]!.AsArray();
        Assert.Equal(new[] { "1.2.0+3", "1.10.0" }, packages.Select(p => (string)p!["version"]!));
        var old = packages[0]!;
        string file = Path.Combine(repo, (string)old["file"]!);
        Assert.Equal(File.ReadAllBytes(P("old.nfw")), File.ReadAllBytes(file));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), (string?)old["sha256"]);
        Assert.Equal(new[] { "esp32-devkitc-v4", "firebeetle-esp32" }, old["boards"]!.AsArray().Select(b => (string)b!));
        Assert.Equal(2, old["files"]!.AsArray().Count);
        Assert.True((bool)old["signatureChecked"]!);

        Assert.Equal(0, Sign("1.2.0+3", "clash.nfw", MakeFiles(7, 200)).Exit);
        var clash = Run("firmware", "publish", P("clash.nfw"), "--repo", repo);
        Assert.Equal(1, clash.Exit);
        Assert.Contains("already published with different content", clash.Err);
        Assert.Equal(2, JsonNode.Parse(File.ReadAllText(Path.Combine(repo, "index.json")))!["packages"]!.AsArray().Count);
    }

    [Fact]
    public void Publish_refuses_a_package_that_does_not_verify()
    {
        Keygen();
        Assert.Equal(0, Sign("1.0.0", "app.nfw", MakeFiles(8, 400)).Exit);
        var bytes = File.ReadAllBytes(P("app.nfw"));
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(P("bad.nfw"), bytes);
        var r = Run("firmware", "publish", P("bad.nfw"), "--repo", P("repo"));
        Assert.Equal(1, r.Exit);
        Assert.Contains("SHA-256", r.Err);
        Assert.False(File.Exists(Path.Combine(P("repo"), "index.json")));
    }
}

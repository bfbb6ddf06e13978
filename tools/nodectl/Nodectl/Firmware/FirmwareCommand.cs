using System.CommandLine;

namespace NodeFirmware.Nodectl.Firmware;

/// <summary>
/// <c>nodectl firmware keygen|sign|verify|publish|authorize-downgrade</c>: the release key, signed packages for A/B
/// OTA, the firmware repository the receiver's campaigns serve from, and signed downgrade authorizations
/// (docs/formats/firmware-package.md).
/// </summary>
public static class FirmwareCommand
{
    public static Command Create()
    {
        var command = new Command("firmware", "release keys, signed OTA packages and the firmware repository");
        command.Subcommands.Add(Keygen());
        command.Subcommands.Add(Sign());
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Publish());
        command.Subcommands.Add(DowngradeAuthorizationCommand.Create(PassphraseEnv));
        return command;
    }

    private static Option<string> PassphraseEnv() => new("--passphrase-env")
    {
        Description = "environment variable holding the key's passphrase (else a prompt)",
        DefaultValueFactory = _ => PassphraseSource.DefaultVariable,
    };

    private static Command Keygen()
    {
        var output = new Option<string>("--out") { Description = "encrypted private key file to create (e.g. release.key)", Required = true };
        var pub = new Option<string?>("--pub") { Description = "public key file (default: --out with the extension .pub)" };
        var iterations = new Option<int>("--kdf-iterations") { Description = "PBKDF2-HMAC-SHA256 iterations", DefaultValueFactory = _ => ReleaseKeyStore.DefaultIterations };
        var force = new Option<bool>("--force") { Description = "overwrite existing key files" };
        var passphraseEnv = PassphraseEnv();
        var command = new Command("keygen", "create an Ed25519 release key pair; the private half encrypted with a passphrase") { output, pub, iterations, force, passphraseEnv };
        command.SetAction(result => Run(result, () =>
        {
            string keyPath = result.GetValue(output)!;
            string pubPath = result.GetValue(pub) ?? Path.ChangeExtension(keyPath, ".pub");
            if (Path.GetFullPath(pubPath) == Path.GetFullPath(keyPath)) throw new FirmwareToolException("--pub must differ from --out");
            string passphrase = PassphraseSource.Get(result.GetValue(passphraseEnv)!, confirm: true);
            byte[] publicKey = ReleaseKeyStore.Generate(keyPath, pubPath, passphrase, result.GetValue(iterations), result.GetValue(force));
            var o = result.InvocationConfiguration.Output;
            o.WriteLine($"private key  {keyPath} (AES-256-GCM, PBKDF2-HMAC-SHA256 x{result.GetValue(iterations)})");
            o.WriteLine($"public key   {pubPath}");
            o.WriteLine($"key id       {Convert.ToHexStringLower(NodeFirmware.Core.Ota.ReleaseKey.KeyId(publicKey))}");
        }));
        return command;
    }

    private static Command Sign()
    {
        var key = new Option<string>("--key") { Description = "encrypted release key file", Required = true };
        var version = new Option<string>("--version") { Description = "firmware version, major.minor.patch[+build]", Required = true };
        var boards = new Option<string[]>("--board") { Description = "board the image runs on (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var files = new Option<string[]>("--files") { Description = ".pe files, in load order", Required = true, AllowMultipleArgumentsPerToken = true };
        var minLoader = new Option<int>("--min-loader") { Description = "oldest Loader version that can load it", DefaultValueFactory = _ => 1 };
        var svn = new Option<int>("--svn") { Description = "security version (anti-rollback): devices that confirmed an image never accept a lower one", DefaultValueFactory = _ => 0 };
        var created = new Option<long?>("--created") { Description = "creation time, Unix seconds (default: SOURCE_DATE_EPOCH or now)" };
        var output = new Option<string>("--out") { Description = "package file to write (.nfw)", Required = true };
        var passphraseEnv = PassphraseEnv();
        var command = new Command("sign", "build and sign a firmware package") { key, version, boards, files, minLoader, svn, created, output, passphraseEnv };
        command.SetAction(result => Run(result, () =>
        {
            if (result.GetValue(minLoader) < 0) throw new FirmwareToolException("--min-loader must not be negative");
            if (result.GetValue(svn) is < 0 or > 999_999_999) throw new FirmwareToolException("--svn must be 0..999999999");
            string passphrase = PassphraseSource.Get(result.GetValue(passphraseEnv)!, confirm: false);
            using var secret = ReleaseKeyStore.Load(result.GetValue(key)!, passphrase, out byte[] publicKey);
            var request = new PackageSigner.Request(
                result.GetValue(version)!,
                result.GetValue(boards)!,
                result.GetValue(files)!,
                result.GetValue(minLoader),
                result.GetValue(created) ?? PackageSigner.DefaultCreatedTime(),
                result.GetValue(svn));
            byte[] package = PackageSigner.Sign(secret, publicKey, request);
            string outPath = result.GetValue(output)!;
            File.WriteAllBytes(outPath, package);
            var inspection = PackageInspector.Inspect(package, publicKey);
            result.InvocationConfiguration.Output.WriteLine($"wrote {outPath} ({package.Length} bytes)");
            PackageInspector.Describe(inspection.Package, result.InvocationConfiguration.Output);
        }));
        return command;
    }

    private static Command Verify()
    {
        var package = new Argument<string>("package") { Description = "package file (.nfw)" };
        var pubkey = new Option<string>("--pubkey") { Description = "release public key file", Required = true };
        var board = new Option<string?>("--board") { Description = "also check that the package supports this board" };
        var command = new Command("verify", "check a package's signature, layout and file hashes") { package, pubkey, board };
        command.SetAction(result => Run(result, () =>
        {
            byte[] bytes = ReadPackage(result.GetValue(package)!);
            var inspection = PackageInspector.Inspect(bytes, ReleaseKeyStore.LoadPublicKey(result.GetValue(pubkey)!), result.GetValue(board));
            PackageInspector.Describe(inspection.Package, result.InvocationConfiguration.Output);
            result.InvocationConfiguration.Output.WriteLine("OK: signature, layout and every file hash verify");
        }));
        return command;
    }

    private static Command Publish()
    {
        var package = new Argument<string>("package") { Description = "package file (.nfw)" };
        var repo = new Option<string>("--repo") { Description = "firmware repository folder (created if missing)", Required = true };
        var pubkey = new Option<string?>("--pubkey") { Description = "release public key file: check the signature before publishing" };
        var command = new Command("publish", "add a package to the firmware repository and its index.json") { package, repo, pubkey };
        command.SetAction(result => Run(result, () =>
        {
            byte[] bytes = ReadPackage(result.GetValue(package)!);
            string? pubPath = result.GetValue(pubkey);
            var inspection = PackageInspector.Inspect(bytes, pubPath == null ? null : ReleaseKeyStore.LoadPublicKey(pubPath));
            var repository = new FirmwareRepository(result.GetValue(repo)!);
            var outcome = repository.Publish(bytes, inspection, DateTimeOffset.UtcNow);
            string version = inspection.Package.Manifest.Version.ToString();
            result.InvocationConfiguration.Output.WriteLine(outcome == FirmwareRepository.Outcome.Added
                ? $"published {version} to {repository.IndexPath}"
                : $"{version} is already published with the same content");
            if (pubPath == null) result.InvocationConfiguration.Error.WriteLine("warning: signature not checked (no --pubkey)");
        }));
        return command;
    }

    internal static byte[] ReadPackage(string path)
    {
        if (!File.Exists(path)) throw new FirmwareToolException($"package {path} does not exist");
        return File.ReadAllBytes(path);
    }

    internal static int Run(ParseResult result, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is FirmwareToolException or IOException or UnauthorizedAccessException)
        {
            result.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }
}

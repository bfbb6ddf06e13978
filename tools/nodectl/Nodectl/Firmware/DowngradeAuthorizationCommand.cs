using System.CommandLine;

namespace NodeFirmware.Nodectl.Firmware;

/// <summary><c>nodectl firmware authorize-downgrade</c>: a release-signed permission for named devices to install an older package once.</summary>
public static class DowngradeAuthorizationCommand
{
    public static Command Create(Func<Option<string>> passphraseEnvOption)
    {
        var key = new Option<string>("--key") { Description = "encrypted release key file", Required = true };
        var package = new Option<string>("--package") { Description = "the package (.nfw) the devices may go back to", Required = true };
        var devices = new Option<string[]>("--devices")
        {
            Description = "device ids it applies to (comma-separated or repeated)", AllowMultipleArgumentsPerToken = true,
        };
        var from = new Option<string[]>("--from-version")
        {
            Description = "only devices running one of these versions (repeatable); without --devices, every such device", AllowMultipleArgumentsPerToken = true,
        };
        var counter = new Option<long>("--counter") { Description = "1..4294967295, above every counter these devices used before", Required = true };
        var expires = new Option<long?>("--expires") { Description = "Unix seconds after which it is void (default: no expiry)" };
        var output = new Option<string>("--out") { Description = "authorization file to write (.nfa)", Required = true };
        var passphraseEnv = passphraseEnvOption();
        var command = new Command("authorize-downgrade", "sign a one-time permission for devices to install a package that is not newer than what they run")
        {
            key, package, devices, from, counter, expires, output, passphraseEnv,
        };
        command.SetAction(result => FirmwareCommand.Run(result, () =>
        {
            var ids = (result.GetValue(devices) ?? []).SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var versions = result.GetValue(from) ?? [];
            if (ids.Count == 0 && versions.Length == 0) throw new FirmwareToolException("name the devices: --devices, --from-version, or both");
            long expiry = result.GetValue(expires) ?? 0;
            if (expiry < 0) throw new FirmwareToolException("--expires must not be negative");
            byte[] bytes = FirmwareCommand.ReadPackage(result.GetValue(package)!);
            string passphrase = PassphraseSource.Get(result.GetValue(passphraseEnv)!, confirm: false);
            using var secret = ReleaseKeyStore.Load(result.GetValue(key)!, passphrase, out byte[] publicKey);
            byte[] file = DowngradeAuthorizer.Authorize(secret, publicKey, bytes, new DowngradeAuthorizer.Request(ids, versions, result.GetValue(counter), expiry));
            string outPath = result.GetValue(output)!;
            File.WriteAllBytes(outPath, file);
            result.InvocationConfiguration.Output.WriteLine($"wrote {outPath} ({file.Length} bytes)");
            DowngradeAuthorizer.Describe(NodeFirmware.Core.Ota.DowngradeAuthorizationFile.Parse(file), result.InvocationConfiguration.Output);
        }));
        return command;
    }
}

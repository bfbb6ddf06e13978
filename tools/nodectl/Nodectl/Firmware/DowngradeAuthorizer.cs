using System.Security.Cryptography;
using NodeFirmware.Core.Ota;
using NSec.Cryptography;

namespace NodeFirmware.Nodectl.Firmware;

/// <summary>
/// Makes a signed downgrade authorization (.nfa) for one package: the devices it names may install that package
/// although it is not newer than what they run, once each, if its counter is above every one they used before.
/// </summary>
public static class DowngradeAuthorizer
{
    public sealed record Request(IReadOnlyList<string> Devices, IReadOnlyList<string> FromVersions, long Counter, long ExpiresUnixTime);

    public static byte[] Authorize(Key key, byte[] publicKey, byte[] package, Request request)
    {
        FirmwarePackage p;
        try { p = FirmwarePackage.Parse(package); }
        catch (FormatException e) { throw new FirmwareToolException(e.Message); }
        if (!p.Manifest.KeyId.AsSpan().SequenceEqual(ReleaseKey.KeyId(publicKey)))
            throw new FirmwareToolException($"the package is signed by key {Convert.ToHexStringLower(p.Manifest.KeyId)}, not by this release key");
        FirmwareVersion[] from;
        try { from = request.FromVersions.Select(FirmwareVersion.Parse).ToArray(); }
        catch (FormatException e) { throw new FirmwareToolException("--from-version: " + e.Message); }
        var authorization = new DowngradeAuthorization
        {
            KeyId = ReleaseKey.KeyId(publicKey),
            TargetVersion = p.Manifest.Version,
            ManifestSha256 = SHA256.HashData(p.ManifestBytes),
            DeviceIds = request.Devices.ToArray(),
            FromVersions = from,
            Counter = request.Counter,
            ExpiresUnixTime = request.ExpiresUnixTime,
        };
        if (DowngradeAuthorizationCodec.Check(authorization) is { } problem) throw new FirmwareToolException("authorization: " + problem);
        byte[] document = DowngradeAuthorizationCodec.Encode(authorization);
        byte[] signature = SignatureAlgorithm.Ed25519.Sign(key, DowngradeAuthorizationCodec.SignedBytes(document));
        // The device's own verifier must accept it for a named device: a cross-check of NSec against Core.
        string device = authorization.DeviceIds.Length > 0 ? authorization.DeviceIds[0] : "any";
        var running = from.Length > 0 ? from[0] : p.Manifest.Version;
        if (new DowngradeAuthorizationVerifier(publicKey, device).Verify(document, signature, authorization.ManifestSha256, p.Manifest.Version,
                running, 0, 0, true, out string? reason) is null)
            throw new FirmwareToolException("internal error: the device-side verifier rejects the new authorization: " + reason);
        return DowngradeAuthorizationFile.Build(document, signature);
    }

    public static void Describe(DowngradeAuthorizationFile f, TextWriter output)
    {
        var a = f.Authorization;
        output.WriteLine($"target       {a.TargetVersion} (manifest SHA-256 {Convert.ToHexStringLower(a.ManifestSha256)})");
        output.WriteLine($"devices      {(a.DeviceIds.Length == 0 ? "any" : string.Join(", ", a.DeviceIds))}");
        output.WriteLine($"running      {(a.FromVersions.Length == 0 ? "any version" : string.Join(", ", a.FromVersions.Select(v => v.ToString())))}");
        output.WriteLine($"counter      {a.Counter}");
        output.WriteLine($"expires      {(a.ExpiresUnixTime == 0 ? "never (the counter alone limits it)" : DateTimeOffset.FromUnixTimeSeconds(a.ExpiresUnixTime).ToString("yyyy-MM-dd HH:mm:ss") + "Z")}");
        output.WriteLine($"key id       {Convert.ToHexStringLower(a.KeyId)}");
    }
}

using System.CommandLine;
using System.Security.Cryptography;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Ca;

namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// <c>nodectl register --device ID --ca-dir pki --receiver URL [--receiver-token-file F] [--tags a,b] [--board B]</c>:
/// registers a device that provision committed while the receiver was unreachable (provision's exit code 2). It sends
/// the certificate this store issued to the device (devices/&lt;id&gt;/device.crt) exactly as provision's registration step
/// does, needs no board and no CA passphrase, and may be repeated. A device the store never issued a certificate to, or
/// whose certificate is on the store's revocation list, is refused before anything is sent or recorded.
/// </summary>
public static class RegisterCommand
{
    public static Command Create() => Create(Environment.GetEnvironmentVariable);

    /// <summary>With environment variables from a given source (tests).</summary>
    public static Command Create(Func<string, string?> environment)
    {
        var device = new Option<string>("--device") { Description = "device id, e.g. esp32-240ac4123456 (as provision printed it)", Required = true };
        var caDir = new Option<string>("--ca-dir") { Description = "PKI store directory that issued the device's certificate", Required = true };
        var receiver = new Option<string>("--receiver") { Description = "receiver base URL (POST /api/devices)", Required = true };
        var receiverToken = new Option<string?>("--receiver-token-file")
        {
            Description = $"file holding the receiver API token (role provisioner or admin); default: environment variable {ReceiverRegistry.TokenVariable}",
        };
        var tags = new Option<string?>("--tags") { Description = "comma-separated tags for the registration, e.g. greenhouse-3,north" };
        var board = new Option<string?>("--board") { Description = "board name for the registration (boards/)" };
        var audit = new Option<string?>("--audit-log") { Description = "audit log (default <ca-dir>/audit.jsonl)" };
        var station = new Option<string?>("--station") { Description = "station id for the audit log (default env NODECTL_STATION or the host name)" };
        var operatorName = OperatorName.CreateOption();

        var command = new Command("register", "register a provisioned device's certificate with the receiver (after provision exited with code 2)")
        {
            device, caDir, receiver, receiverToken, tags, board, audit, station, operatorName,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            try
            {
                // Everything that can refuse does so before a request is sent or a record written.
                string id = result.GetValue(device)!;
                DeviceIdentity.Validate(id);
                var pki = new PkiStore(result.GetValue(caDir)!);
                var log = new AuditLog(result.GetValue(audit) ?? Path.Combine(pki.Root, "audit.jsonl"),
                    CaCommand.Station(result.GetValue(station)), OperatorName.Resolve(result.GetValue(operatorName), environment));
                string url = result.GetValue(receiver)!;
                var baseUri = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"--receiver '{url}' is not a URL");
                string? token = ReceiverRegistry.ReadToken(result.GetValue(receiverToken), environment);

                using var certificate = pki.LoadDeviceCertificate(id)
                    ?? throw new ArgumentException($"the PKI store {pki.Root} has no certificate for {id}: it was never provisioned from this store " +
                                                   "(check --device and --ca-dir, or provision it with nodectl provision); nothing was registered");
                string serial = certificate.SerialNumber;
                if (pki.LoadRevoked().FirstOrDefault(r => r.SerialHex == RevokedCertificate.NormalizeSerial(serial)) is { } revoked)
                    throw new ArgumentException($"certificate serial {serial} of {id} was revoked {revoked.RevokedAt:u} (reason {revoked.Reason}), " +
                                                "so it cannot be registered: re-provision the board (nodectl provision ... --factory-reset), which issues a new certificate; nothing was registered");

                var registration = new DeviceRegistration(id, serial,
                    (result.GetValue(tags) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), result.GetValue(board));
                using var registry = new ReceiverRegistry(baseUri, token: token);
                string? problem = DeviceRegistrar.Register(registry, log, registration, Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)),
                    "Re-run nodectl register when the receiver is reachable", TextWriter.Null);
                if (problem is not null)
                {
                    error.WriteLine($"error: {id} is NOT registered: {problem}");
                    return 1;
                }
                output.WriteLine($"registered {id} (certificate serial {serial}) with {registry.Name}");
                return 0;
            }
            catch (Exception e) when (e is PkiException or AuditException or ArgumentException or IOException or UnauthorizedAccessException
                                          or CryptographicException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }
}

using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;

namespace NodeFirmware.Nodectl.Ca;

/// <summary>
/// <c>nodectl ca init --dir pki --name fleet</c>, <c>nodectl ca issue-broker --dir pki [--dns n] [--ip a]</c>,
/// <c>nodectl ca revoke &lt;device-id&gt; --dir pki</c>. The passphrase comes from NODECTL_CA_PASSPHRASE or a prompt.
/// </summary>
public static class CaCommand
{
    public static Command Create() => Create(() => PassphraseSource.Get(confirm: false), () => PassphraseSource.Get(confirm: true));

    /// <summary>With the passphrase from given sources (tests).</summary>
    public static Command Create(Func<string> passphrase, Func<string> newPassphrase)
    {
        var command = new Command("ca", "the fleet certificate authority: create it, issue the broker certificate, revoke devices");
        command.Subcommands.Add(CreateInit(newPassphrase));
        command.Subcommands.Add(CreateIssueBroker(passphrase));
        command.Subcommands.Add(CreateRevoke(passphrase));
        return command;
    }

    internal static Option<string> DirOption() => new("--dir")
    {
        Description = "PKI store directory (ca/, devices/, broker/, crl.pem; see docs/broker.md)",
        Required = true,
    };

    private static Command CreateInit(Func<string> newPassphrase)
    {
        var dir = DirOption();
        var name = new Option<string>("--name") { Description = "fleet name, e.g. acme-greenhouses", Required = true };
        var validity = new Option<int?>("--days") { Description = "CA validity in days (default 25 years)" };
        var iterations = new Option<int>("--kdf-iterations")
        {
            Description = "PBKDF2 iterations protecting the CA key",
            DefaultValueFactory = _ => FleetCa.DefaultKdfIterations,
        };
        var init = new Command("init", "create the fleet CA: ca/ca.crt, ca/ca.key (encrypted) and an empty CRL") { dir, name, validity, iterations };
        init.SetAction(result => Run(result, output =>
        {
            var store = new PkiStore(result.GetValue(dir)!);
            if (store.HasCa) throw new PkiException($"a CA already exists in {store.CaDirectory}; refusing to overwrite it");
            int? days = result.GetValue(validity);
            using var ca = store.CreateCa(result.GetValue(name)!, newPassphrase(),
                days is null ? null : TimeSpan.FromDays(days.Value), result.GetValue(iterations));
            output.WriteLine($"created {ca}");
            output.WriteLine($"  certificate {store.CaCertificatePath}");
            output.WriteLine($"  key         {store.CaKeyPath} (encrypted, mode 0600)");
            output.WriteLine($"  CRL         {store.CrlPath}");
            output.WriteLine($"  SHA-256     {Convert.ToHexStringLower(SHA256.HashData(ca.Certificate.RawData))}");
        }));
        return init;
    }

    private static Command CreateIssueBroker(Func<string> passphrase)
    {
        var dir = DirOption();
        var dns = new Option<string[]>("--dns") { Description = "extra DNS names for the broker (localhost is always in)", AllowMultipleArgumentsPerToken = true };
        var ip = new Option<string[]>("--ip") { Description = "extra IP addresses for the broker (127.0.0.1 is always in)", AllowMultipleArgumentsPerToken = true };
        var days = new Option<int?>("--days") { Description = "validity in days (default 825)" };
        var issue = new Command("issue-broker", "issue the broker's TLS server certificate into broker/") { dir, dns, ip, days };
        issue.SetAction(result => Run(result, output =>
        {
            var addresses = (result.GetValue(ip) ?? []).Select(a => IPAddress.TryParse(a, out var parsed)
                ? parsed : throw new ArgumentException($"--ip '{a}' is not an IP address")).ToList();
            var store = new PkiStore(result.GetValue(dir)!);
            using var ca = store.OpenCa(passphrase());
            int? d = result.GetValue(days);
            using var credential = store.IssueBroker(ca, result.GetValue(dns), addresses, d is null ? null : TimeSpan.FromDays(d.Value));
            output.WriteLine($"issued {credential}");
            output.WriteLine($"  certificate {store.BrokerCertificatePath}");
            output.WriteLine($"  key         {store.BrokerKeyPath} (mode 0600)");
        }));
        return issue;
    }

    private static Command CreateRevoke(Func<string> passphrase)
    {
        var dir = DirOption();
        var device = new Argument<string>("device-id") { Description = "device id, e.g. esp32-240ac4123456" };
        var reason = new Option<X509RevocationReason>("--reason")
        {
            Description = "revocation reason (e.g. KeyCompromise, Superseded, CessationOfOperation)",
            DefaultValueFactory = _ => X509RevocationReason.Unspecified,
        };
        var audit = new Option<string?>("--audit-log") { Description = "audit log to record the revocation in (default <dir>/audit.jsonl)" };
        var station = new Option<string?>("--station") { Description = "station id for the audit record (default env NODECTL_STATION or the host name)" };
        var revoke = new Command("revoke", "revoke a device's certificate and write a new CRL (reload the broker afterwards)") { dir, device, reason, audit, station };
        revoke.SetAction(result => Run(result, output =>
        {
            var store = new PkiStore(result.GetValue(dir)!);
            string id = result.GetValue(device)!;
            DeviceIdentity.Validate(id);
            using var ca = store.OpenCa(passphrase());
            using var cert = store.LoadDeviceCertificate(id)
                ?? throw new PkiException($"no certificate for device {id} in {Path.Combine(store.Root, "devices")}");
            var entry = store.RevokeDevice(id, result.GetValue(reason));
            var number = store.WriteCrl(ca);
            var log = new AuditLog(result.GetValue(audit) ?? Path.Combine(store.Root, "audit.jsonl"),
                Station(result.GetValue(station)), AuditLog.OperatorFromEnvironment());
            log.Append(new AuditEntry
            {
                Action = "revoke",
                Device = id,
                CertSerial = entry.SerialHex,
                CertSha256 = Convert.ToHexStringLower(SHA256.HashData(cert.RawData)),
                Result = "ok",
                Detail = $"reason {result.GetValue(reason)}, CRL number {number}",
            });
            output.WriteLine($"revoked {id} (serial {entry.SerialHex}); wrote CRL number {number} to {store.CrlPath}");
            output.WriteLine("reload the broker so it reads the new CRL and drops the device");
        }));
        return revoke;
    }

    internal static string Station(string? given) =>
        given ?? Environment.GetEnvironmentVariable("NODECTL_STATION") ?? Environment.MachineName;

    /// <summary>Runs an action, turning the errors an operator can fix into "error: ..." and exit code 1.</summary>
    internal static int Run(ParseResult result, Action<TextWriter> action)
    {
        try
        {
            action(result.InvocationConfiguration.Output);
            return 0;
        }
        catch (Exception e) when (e is PkiException or AuditException or ArgumentException or InvalidOperationException
                                      or IOException or UnauthorizedAccessException or CryptographicException)
        {
            result.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }
}

using System.CommandLine;
using System.Net;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.Nodectl.Ca;

/// <summary>
/// <c>nodectl ca issue broker|receiver|observer|device</c>: every identity the cloud needs besides the factory's devices
/// (docs/broker.md, "Identities"). Keys are written unencrypted with mode 0600 because their services read them
/// unattended. An existing service identity is replaced only with --replace.
/// </summary>
public static class CaIssueCommand
{
    public static Command Create(Func<string> passphrase)
    {
        var issue = new Command("issue", "issue a certificate and key into the PKI store: the broker's, a receiver's, an observer's, or a bench device's");
        issue.Subcommands.Add(CreateBroker(passphrase));
        issue.Subcommands.Add(CreateService(passphrase, ServiceRole.Receiver,
            "a receiver's MQTT client identity into services/<name>/ (default name receiver; one per receiver instance)"));
        issue.Subcommands.Add(CreateService(passphrase, ServiceRole.Observer,
            "a read-only MQTT client identity (telemetry and status) into services/<name>/, e.g. for a dashboard"));
        issue.Subcommands.Add(CreateDevice(passphrase));
        return issue;
    }

    private static Option<int?> DaysOption(string defaultText) => new("--days") { Description = $"validity in days (default {defaultText})" };

    private static Option<bool> ReplaceOption() => new("--replace") { Description = "replace an existing certificate and key (the old certificate stays valid until it expires)" };

    private static Command CreateBroker(Func<string> passphrase)
    {
        var dir = CaCommand.DirOption();
        var dns = new Option<string[]>("--dns") { Description = "extra DNS names for the broker (localhost is always in)", AllowMultipleArgumentsPerToken = true };
        var ip = new Option<string[]>("--ip") { Description = "extra IP addresses for the broker (127.0.0.1 is always in)", AllowMultipleArgumentsPerToken = true };
        var days = DaysOption("825");
        var replace = ReplaceOption();
        var command = new Command("broker", "the broker's TLS server certificate and key into broker/") { dir, dns, ip, days, replace };
        command.SetAction(result => CaCommand.Run(result, output =>
        {
            var addresses = (result.GetValue(ip) ?? []).Select(a => IPAddress.TryParse(a, out var parsed)
                ? parsed : throw new ArgumentException($"--ip '{a}' is not an IP address")).ToList();
            var store = new PkiStore(result.GetValue(dir)!);
            if (File.Exists(store.BrokerCertificatePath) && !result.GetValue(replace))
                throw new PkiException($"a broker certificate already exists at {store.BrokerCertificatePath}; add --replace to issue a new one (then reload the broker)");
            using var ca = store.OpenCa(passphrase());
            using var credential = store.IssueBroker(ca, result.GetValue(dns), addresses, Days(result.GetValue(days)));
            output.WriteLine($"issued {credential}");
            output.WriteLine($"  certificate {store.BrokerCertificatePath}");
            output.WriteLine($"  key         {store.BrokerKeyPath} (mode 0600)");
        }));
        return command;
    }

    private static Command CreateService(Func<string> passphrase, ServiceRole role, string description)
    {
        string roleName = ServiceRoles.Name(role);
        var dir = CaCommand.DirOption();
        var name = new Argument<string>("name")
        {
            Description = $"the identity's name, the certificate CN and broker username: 1-32 of [a-z0-9-]{(role == ServiceRole.Receiver ? " (default receiver)" : "")}",
        };
        if (role == ServiceRole.Receiver) name.DefaultValueFactory = _ => ServiceIdentity.Receiver;
        var days = DaysOption("10 years");
        var replace = ReplaceOption();
        var command = new Command(roleName, description) { name, dir, days, replace };
        command.SetAction(result => CaCommand.Run(result, output =>
        {
            string identity = result.GetValue(name)!;
            ServiceIdentity.Validate(identity);
            var store = new PkiStore(result.GetValue(dir)!);
            var existing = store.ServiceRoleOf(identity);
            if (existing is not null && existing != role)
                throw new PkiException($"service '{identity}' is already a {ServiceRoles.Name(existing.Value)}; an identity has one role: pick another name");
            if (existing is not null && !result.GetValue(replace))
                throw new PkiException($"{roleName} '{identity}' already exists in {store.ServiceDirectory(identity)}; add --replace to issue a new certificate and key");
            using var ca = store.OpenCa(passphrase());
            using var credential = store.IssueService(ca, identity, role, Days(result.GetValue(days)));
            output.WriteLine($"issued {roleName} {credential}");
            output.WriteLine($"  certificate {store.ServiceCertificatePath(identity)}");
            output.WriteLine($"  key         {store.ServiceKeyPath(identity)} (mode 0600)");
            output.WriteLine($"the broker knows it after: nodectl broker setup --dir {result.GetValue(dir)} ... and a broker reload");
        }));
        return command;
    }

    private static Command CreateDevice(Func<string> passphrase)
    {
        var dir = CaCommand.DirOption();
        var device = new Argument<string>("device-id") { Description = "device id, e.g. esp32-240ac4123456" };
        var days = DaysOption("10 years");
        var command = new Command("device",
            "a device identity with its key in the store (devices/<id>/device.key, 0600), for a bench board or a test client; " +
            "factory devices get theirs from nodectl provision, which never writes the key")
        { device, dir, days };
        command.SetAction(result => CaCommand.Run(result, output =>
        {
            string id = result.GetValue(device)!;
            DeviceIdentity.Validate(id);
            var store = new PkiStore(result.GetValue(dir)!);
            using var ca = store.OpenCa(passphrase());
            var revoked = store.LoadRevoked().Select(r => r.SerialHex).ToHashSet(StringComparer.Ordinal);
            var earlier = store.LoadDeviceCertificates(id);
            int stillValid = earlier.Count(c => !revoked.Contains(c.SerialNumber));
            foreach (var c in earlier) c.Dispose();
            using var credential = store.IssueDevice(ca, id, keepKey: true, Days(result.GetValue(days)));
            output.WriteLine($"issued device {credential}");
            output.WriteLine($"  certificate {store.DeviceCertificatePath(id)}");
            output.WriteLine($"  key         {store.DeviceKeyPath(id)} (mode 0600)");
            if (stillValid > 0)
                output.WriteLine($"  {stillValid} earlier certificate(s) of {id} stay valid until revoked (nodectl ca revoke {id} revokes all of them)");
        }));
        return command;
    }

    private static TimeSpan? Days(int? days) => days is null ? null : TimeSpan.FromDays(days.Value);
}

using System.CommandLine;
using System.Security.Cryptography;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;

namespace NodeFirmware.Nodectl.Ca;

/// <summary>
/// <c>nodectl ca init --dir pki --name fleet</c>, <c>nodectl ca issue broker|receiver|observer|device ... --dir pki</c>,
/// <c>nodectl ca revoke &lt;device-id&gt; --dir pki</c>. The passphrase comes from NODEFIRMWARE_CA_PASSPHRASE or a prompt.
/// </summary>
public static class CaCommand
{
    public static Command Create() => Create(() => PassphraseSource.Get(confirm: false), () => PassphraseSource.Get(confirm: true));

    /// <summary>With the passphrase (and, for the operator's name, the environment) from given sources (tests).</summary>
    public static Command Create(Func<string> passphrase, Func<string> newPassphrase, Func<string, string?>? environment = null)
    {
        var command = new Command("ca", "the fleet certificate authority: create it, issue the broker's, services' and bench devices' certificates, revoke devices");
        command.Subcommands.Add(CreateInit(newPassphrase));
        command.Subcommands.Add(CaIssueCommand.Create(passphrase));
        command.Subcommands.Add(CaRevokeCommand.Create(passphrase, environment ?? Environment.GetEnvironmentVariable));
        return command;
    }

    internal static Option<string> DirOption() => new("--dir")
    {
        Description = "PKI store directory (ca/, devices/, services/, broker/, crl.pem; see docs/broker.md)",
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

    internal static string Station(string? given) =>
        given ?? Environment.GetEnvironmentVariable("NODECTL_STATION") ?? Environment.MachineName;

    /// <summary>Runs an action, turning the errors an operator can fix into "error: ..." and exit code 1.</summary>
    internal static int Run(ParseResult result, Action<TextWriter> action) => Run(result, output =>
    {
        action(output);
        return 0;
    });

    /// <summary>Same, for an action that picks its own exit code.</summary>
    internal static int Run(ParseResult result, Func<TextWriter, int> action)
    {
        try
        {
            return action(result.InvocationConfiguration.Output);
        }
        catch (Exception e) when (e is PkiException or AuditException or BrokerException or ArgumentException or InvalidOperationException
                                      or IOException or UnauthorizedAccessException or CryptographicException)
        {
            result.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
            return 1;
        }
    }
}

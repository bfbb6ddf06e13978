using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Broker;
using NodeFirmware.Nodectl.Ca;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Broker;

/// <summary>`nodectl broker setup`: one command from the fleet's PKI store to a broker run directory.</summary>
public sealed class BrokerSetupCommandTests : IDisposable
{
    private const string Passphrase = "a long enough passphrase";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nodectl-broker-" + Guid.NewGuid().ToString("N"));

    private string Pki => Path.Combine(_dir, "pki");
    private string RunDir => Path.Combine(_dir, "broker");

    private static (int Exit, string Out, string Err) Ca(params string[] args) =>
        CommandRunner.Run(CaCommand.Create(() => Passphrase, () => Passphrase), ["ca", .. args]);

    private static (int Exit, string Out, string Err) Setup(params string[] args) =>
        CommandRunner.Run(BrokerCommand.Create(() => Passphrase), ["broker", "setup", .. args]);

    [Fact]
    public void Writes_the_configuration_and_acl_from_the_store_issuing_the_broker_certificate_if_missing()
    {
        Assert.Equal(0, Ca("init", "--dir", Pki, "--name", "acme", "--kdf-iterations", "100000").Exit);
        Assert.Equal(0, Ca("issue", "receiver", "--dir", Pki).Exit);
        Assert.Equal(0, Ca("issue", "observer", "dashboard", "--dir", Pki).Exit);

        var (exit, output, err) = Setup("--dir", Pki, "--run", RunDir, "--port", "18883", "--dns", "broker.acme.example");
        Assert.True(exit == 0, err);
        Assert.Contains("issued the broker certificate", output);
        var store = new PkiStore(Pki);
        string conf = File.ReadAllText(Path.Combine(RunDir, "mosquitto.conf"));
        Assert.Contains("listener 18883 127.0.0.1", conf);
        Assert.Contains($"crlfile {store.CrlPath}", conf);
        Assert.Contains($"certfile {store.BrokerCertificatePath}", conf);
        string acl = File.ReadAllText(Path.Combine(RunDir, "acl"));
        Assert.Contains("user receiver", acl);
        Assert.Contains("user dashboard", acl);
        Assert.True(Directory.Exists(Path.Combine(RunDir, "data")));

        // Again after another receiver: rewritten, the existing broker certificate kept.
        string brokerCert = File.ReadAllText(store.BrokerCertificatePath);
        Assert.Equal(0, Ca("issue", "receiver", "receiver-2", "--dir", Pki).Exit);
        (exit, output, err) = Setup("--dir", Pki, "--run", RunDir, "--port", "18883");
        Assert.True(exit == 0, err);
        Assert.DoesNotContain("issued", output);
        Assert.Equal(brokerCert, File.ReadAllText(store.BrokerCertificatePath));
        Assert.Contains("user receiver-2", File.ReadAllText(Path.Combine(RunDir, "acl")));
    }

    [Fact]
    public void Refuses_without_a_ca_or_a_receiver_and_says_which_command_makes_it()
    {
        var (exit, _, err) = Setup("--dir", Pki, "--run", RunDir);
        Assert.Equal(1, exit);
        Assert.Contains("nodectl ca init", err);

        Assert.Equal(0, Ca("init", "--dir", Pki, "--name", "acme", "--kdf-iterations", "100000").Exit);
        (exit, _, err) = Setup("--dir", Pki, "--run", RunDir);
        Assert.Equal(1, exit);
        Assert.Contains("nodectl ca issue receiver", err);
        Assert.False(File.Exists(Path.Combine(RunDir, "mosquitto.conf")));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

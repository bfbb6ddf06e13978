using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Ca;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeFirmware.Nodectl.Tests.Provisioning;
using NodeSim.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Ca;

public sealed class CaCommandTests : IDisposable
{
    private const string Passphrase = "a long enough passphrase";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nodectl-ca-" + Guid.NewGuid().ToString("N"));

    private static System.CommandLine.Command Ca(string passphrase = Passphrase) => CaCommand.Create(() => passphrase, () => passphrase);

    private (int Exit, string Out, string Err) Init(string passphrase = Passphrase) =>
        CommandRunner.Run(Ca(passphrase), "ca", "init", "--dir", _dir, "--name", "acme", "--kdf-iterations", "100000");

    [Fact]
    public void Init_creates_an_encrypted_ca_and_refuses_to_overwrite_it()
    {
        var (exit, output, err) = Init();
        Assert.True(exit == 0, err);
        Assert.Contains("acme NodeFirmware Fleet CA", output);
        var store = new PkiStore(_dir);
        Assert.Contains("ENCRYPTED PRIVATE KEY", File.ReadAllText(store.CaKeyPath));
        Assert.DoesNotContain(Passphrase, output + err);
        Assert.True(File.Exists(store.CrlPath));
        if (!OperatingSystem.IsWindows()) Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(store.CaKeyPath));

        (exit, _, err) = Init();
        Assert.Equal(1, exit);
        Assert.Contains("already exists", err);
    }

    [Fact]
    public void Short_passphrase_is_refused()
    {
        var (exit, _, err) = Init("short");
        Assert.Equal(1, exit);
        Assert.Contains("at least", err);
        Assert.False(new PkiStore(_dir).HasCa);
    }

    [Fact]
    public void Issue_broker_writes_a_server_certificate_and_needs_the_right_passphrase()
    {
        Assert.Equal(0, Init().Exit);
        var (exit, _, err) = CommandRunner.Run(Ca("wrong passphrase here"), "ca", "issue", "broker", "--dir", _dir);
        Assert.Equal(1, exit);
        Assert.Contains("wrong passphrase", err);

        (exit, var output, err) = CommandRunner.Run(Ca(), "ca", "issue", "broker", "--dir", _dir, "--dns", "broker.lan", "--ip", "10.0.0.5");
        Assert.True(exit == 0, err);
        var store = new PkiStore(_dir);
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(store.BrokerCertificatePath));
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("broker.lan", san.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Parse("10.0.0.5"), san.EnumerateIPAddresses());

        (exit, _, err) = CommandRunner.Run(Ca(), "ca", "issue", "broker", "--dir", _dir, "--ip", "not-an-ip");
        Assert.Equal(1, exit);
        Assert.Contains("not-an-ip", err);
    }

    [Fact]
    public void Revoke_puts_the_device_serial_in_the_crl_and_the_audit_log()
    {
        using var rig = new ProvisioningRig();
        var node = new VirtualProvisioningNode(VirtualProvisioningNode.MacFor(300));
        var provisioned = rig.Provisioner().Provision(ProvisioningRig.Connect(node).Client, rig.Settings());

        var ca = CaCommand.Create(() => ProvisioningRig.CaPassphrase, () => ProvisioningRig.CaPassphrase, name => name == OperatorName.EnvironmentVariable ? "tester" : null);
        var (exit, output, err) = CommandRunner.Run(ca, "ca", "revoke", node.DeviceId, "--dir", rig.PkiDirectory, "--reason", "KeyCompromise");
        Assert.True(exit == 0, err);
        Assert.Contains(provisioned.CertSerial, output);
        Assert.Contains(rig.Pki.LoadRevoked(), r => r.SerialHex == provisioned.CertSerial && r.Reason == X509RevocationReason.KeyCompromise);
        Assert.Equal(2, (int)rig.Pki.CurrentCrlNumber);

        var records = rig.Records();
        var revoke = records[^1];
        Assert.Equal("revoke", revoke.Action);
        Assert.Equal(node.DeviceId, revoke.Device);
        Assert.Equal(provisioned.CertSerial, revoke.CertSerial);
        Assert.Equal(provisioned.CertSha256, revoke.CertSha256);

        (exit, _, err) = CommandRunner.Run(ca, "ca", "revoke", "esp32-ffffffffffff", "--dir", rig.PkiDirectory);
        Assert.Equal(1, exit);
        Assert.Contains("no certificate", err);
        (exit, _, err) = CommandRunner.Run(ca, "ca", "revoke", "nf-1", "--dir", rig.PkiDirectory);
        Assert.Equal(1, exit);
        Assert.Contains("not a device id", err);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

using NodeFirmware.Nodectl.Broker;
using NodeFirmware.Nodectl.Ca;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Broker;

/// <summary>`nodectl broker cluster`: the NATS cluster's node configurations from the fleet's PKI store.</summary>
public sealed class BrokerClusterCommandTests : IDisposable
{
    private const string Passphrase = "a long enough passphrase";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nodectl-cluster-" + Guid.NewGuid().ToString("N"));

    private string Pki => Path.Combine(_dir, "pki");
    private string RunDir => Path.Combine(_dir, "cluster");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static (int Exit, string Out, string Err) Ca(params string[] args) =>
        CommandRunner.Run(CaCommand.Create(() => Passphrase, () => Passphrase), ["ca", .. args]);

    private static (int Exit, string Out, string Err) Cluster(params string[] args) =>
        CommandRunner.Run(BrokerCommand.Create(() => Passphrase), ["broker", "cluster", .. args]);

    [Fact]
    public void Writes_one_configuration_per_node_with_a_user_per_identity_and_refuses_without_a_ca_or_broker_certificate()
    {
        var (exit, _, err) = Cluster("--dir", Pki, "--run", RunDir);
        Assert.Equal(1, exit);
        Assert.Contains("nodectl ca init", err);

        Assert.Equal(0, Ca("init", "--dir", Pki, "--name", "acme", "--kdf-iterations", "100000").Exit);
        Assert.Equal(0, Ca("issue", "receiver", "--dir", Pki).Exit);
        Assert.Equal(0, Ca("issue", "device", "esp32-0000000000c1", "--dir", Pki).Exit);
        (exit, _, err) = Cluster("--dir", Pki, "--run", RunDir);
        Assert.Equal(1, exit);
        Assert.Contains("nodectl ca issue broker", err);
        Assert.False(Directory.Exists(RunDir), "a refusal wrote files");

        Assert.Equal(0, Ca("issue", "broker", "--dir", Pki).Exit);
        (exit, var output, err) = Cluster("--dir", Pki, "--run", RunDir);
        Assert.True(exit == 0, err);
        Assert.Contains("1 devices, receivers receiver", output);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(RunDir, "mqtt-ports")).Length);
        for (int i = 0; i < 3; i++)
        {
            string conf = File.ReadAllText(Path.Combine(RunDir, $"node{i}.conf"));
            Assert.Contains("user: \"CN=esp32-0000000000c1\"", conf);
            Assert.Contains("user: \"CN=receiver\"", conf);
            // The route secret is in it: owner only.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(RunDir, $"node{i}.conf")));
        }
    }
}

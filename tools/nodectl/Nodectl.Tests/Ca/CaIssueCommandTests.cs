using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Ca;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Ca;

/// <summary>`nodectl ca issue`: every identity the cloud needs (docs/broker.md, "Identities").</summary>
public sealed class CaIssueCommandTests : IDisposable
{
    private const string Passphrase = "a long enough passphrase";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nodectl-issue-" + Guid.NewGuid().ToString("N"));

    public CaIssueCommandTests() => Assert.Equal(0, Run("init", "--dir", _dir, "--name", "acme", "--kdf-iterations", "100000").Exit);

    private static (int Exit, string Out, string Err) Run(params string[] args) =>
        CommandRunner.Run(CaCommand.Create(() => Passphrase, () => Passphrase), ["ca", .. args]);

    private PkiStore Store => new(_dir);

    [Fact]
    public void Receiver_observer_and_bench_device_identities_are_issued_with_their_keys_and_roles()
    {
        var (exit, output, err) = Run("issue", "receiver", "--dir", _dir);
        Assert.True(exit == 0, err);
        Assert.Contains("services/receiver/client.crt", output.Replace('\\', '/'));
        (exit, _, err) = Run("issue", "receiver", "receiver-2", "--dir", _dir);
        Assert.True(exit == 0, err);
        (exit, _, err) = Run("issue", "observer", "dashboard", "--dir", _dir);
        Assert.True(exit == 0, err);
        (exit, _, err) = Run("issue", "device", "esp32-0000000000b1", "--dir", _dir);
        Assert.True(exit == 0, err);

        Assert.Equal([("dashboard", ServiceRole.Observer), ("receiver", ServiceRole.Receiver), ("receiver-2", ServiceRole.Receiver)], Store.ListServices());
        using var observer = Store.LoadServiceIdentity("dashboard");
        Assert.Equal("dashboard", observer.GetNameInfo(X509NameType.SimpleName, false));
        Assert.True(observer.HasPrivateKey);
        using var device = X509Certificate2.CreateFromPemFile(Store.DeviceCertificatePath("esp32-0000000000b1"), Store.DeviceKeyPath("esp32-0000000000b1"));
        Assert.Equal("esp32-0000000000b1", device.GetNameInfo(X509NameType.SimpleName, false));
        if (!OperatingSystem.IsWindows())
            foreach (var key in new[] { Store.ServiceKeyPath("receiver"), Store.ServiceKeyPath("dashboard"), Store.DeviceKeyPath("esp32-0000000000b1") })
                Assert.Equal(SecretFile.OwnerOnly, File.GetUnixFileMode(key));
    }

    [Fact]
    public void An_existing_identity_is_replaced_only_when_asked_and_keeps_its_role()
    {
        Assert.Equal(0, Run("issue", "receiver", "--dir", _dir).Exit);
        string before = File.ReadAllText(Store.ServiceKeyPath("receiver"));

        var (exit, _, err) = Run("issue", "receiver", "--dir", _dir);
        Assert.Equal(1, exit);
        Assert.Contains("--replace", err);
        (exit, _, err) = Run("issue", "observer", "receiver", "--dir", _dir);
        Assert.Equal(1, exit);
        Assert.Contains("already a receiver", err);
        Assert.Equal(before, File.ReadAllText(Store.ServiceKeyPath("receiver")));

        (exit, _, err) = Run("issue", "receiver", "--dir", _dir, "--replace");
        Assert.True(exit == 0, err);
        Assert.NotEqual(before, File.ReadAllText(Store.ServiceKeyPath("receiver")));
    }

    [Fact]
    public void Bad_names_and_a_wrong_passphrase_change_nothing()
    {
        var (exit, _, err) = Run("issue", "observer", "esp32-0000000000aa", "--dir", _dir);
        Assert.Equal(1, exit);
        Assert.Contains("not a service identity", err);
        (exit, _, err) = Run("issue", "device", "receiver", "--dir", _dir);
        Assert.Equal(1, exit);
        Assert.Contains("not a device id", err);
        (exit, _, err) = CommandRunner.Run(CaCommand.Create(() => "wrong passphrase here", () => Passphrase), "ca", "issue", "observer", "watcher", "--dir", _dir);
        Assert.Equal(1, exit);
        Assert.Contains("wrong passphrase", err);
        Assert.Empty(Store.ListServices());
    }

    [Fact]
    public void A_device_issued_again_keeps_its_earlier_certificate_in_the_history()
    {
        Assert.Equal(0, Run("issue", "device", "esp32-0000000000b2", "--dir", _dir).Exit);
        var (exit, output, err) = Run("issue", "device", "esp32-0000000000b2", "--dir", _dir);
        Assert.True(exit == 0, err);
        Assert.Contains("1 earlier certificate(s) of esp32-0000000000b2 stay valid until revoked", output);
        var all = Store.LoadDeviceCertificates("esp32-0000000000b2");
        Assert.Equal(2, all.Count);
        foreach (var c in all) c.Dispose();
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

using System.Diagnostics;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>The run directory made from a PKI store (nodectl broker setup) runs on the installed Mosquitto, and its pid file reloads it.</summary>
public sealed class BrokerRunDirectoryTests : IDisposable
{
    private readonly BrokerTestPki _pki = new();
    private readonly Pki.TempDirectory _dir = new("nf-run-");

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task The_store_s_identities_get_their_acl_blocks_and_the_broker_starts_from_it()
    {
        _pki.Store.IssueService(_pki.Ca, "dashboard", ServiceRole.Observer).Dispose();
        var written = BrokerRunDirectory.Write(_pki.Store, _dir.Combine("broker"), port: 1883);
        Assert.Equal(["receiver"], written.ReceiverIdentities);
        Assert.Equal(["dashboard"], written.ObserverIdentities);

        // The same configuration on a free port, started by MosquittoInstance: 2.0.11 accepts every directive.
        using var broker = MosquittoInstance.Start(BrokerRunDirectory.ForStore(_pki.Store, _dir.Combine("broker"), port: 0));
        await using var device = await TestMqttClient.ConnectDeviceAsync(broker, _pki.Device("esp32-0000000000e1"), _pki.Trust);
        Assert.True(device.Client.IsConnected);

        int pid = BrokerPidFile.Reload(broker.Config.PidPath);
        Assert.Equal(broker.ProcessId, pid);
    }

    [Fact]
    public void A_stale_pid_file_never_signals_another_process()
    {
        using var sleeper = Process.Start("sleep", "30");
        string pidFile = _dir.Combine("mosquitto.pid");
        File.WriteAllText(pidFile, sleeper.Id + "\n");
        var e = Assert.Throws<BrokerException>(() => BrokerPidFile.Reload(pidFile));
        Assert.Contains("not a running mosquitto", e.Message);
        Assert.False(sleeper.HasExited);
        sleeper.Kill();
        Assert.Contains("does not exist", Assert.Throws<BrokerException>(() => BrokerPidFile.Reload(_dir.Combine("none.pid"))).Message);
    }

    [Fact]
    public void Without_a_broker_certificate_or_a_receiver_it_says_which_command_makes_them()
    {
        var store = new PkiStore(_dir.Combine("pki"));
        using var ca = store.CreateCa("bare", BrokerTestPki.Passphrase, kdfIterations: 100_000);
        Assert.Contains("nodectl ca issue broker", Assert.Throws<BrokerException>(() => BrokerRunDirectory.ForStore(store, _dir.Combine("b"))).Message);
        store.IssueBroker(ca).Dispose();
        Assert.Contains("nodectl ca issue receiver", Assert.Throws<BrokerException>(() => BrokerRunDirectory.ForStore(store, _dir.Combine("b"))).Message);
    }
}

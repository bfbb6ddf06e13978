using System.Net.Sockets;
using NodeFirmware.HostCommon.Broker;

namespace NodeFirmware.HostCommon.Tests.Broker;

public sealed class MosquittoInstanceTests : IDisposable
{
    private readonly BrokerTestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private static bool Accepts(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    [Fact]
    public void Missing_mosquitto_points_to_the_setup_script()
    {
        var e = Assert.Throws<BrokerException>(() => MosquittoInstance.Start(_pki.Config(), "/nonexistent/mosquitto"));
        Assert.Contains("run tools/scripts/setup.sh", e.Message);
    }

    [Fact]
    public void Start_picks_a_free_port_stop_and_restart_keep_it_dispose_kills()
    {
        var broker = MosquittoInstance.Start(_pki.Config());
        var port = broker.Port;
        Assert.InRange(port, 1, 65535);
        Assert.True(broker.IsRunning);
        Assert.True(Accepts(port));
        Assert.Equal(broker.ProcessId.ToString(), File.ReadAllText(broker.Config.PidPath).Trim());

        broker.Stop();
        Assert.False(broker.IsRunning);
        Assert.False(Accepts(port));
        Assert.True(File.Exists(broker.Config.DatabasePath)); // saved on SIGTERM

        broker.Restart();
        Assert.Equal(port, broker.Port);
        Assert.True(Accepts(port));

        var pid = broker.ProcessId!.Value;
        broker.Dispose();
        Assert.False(Accepts(port));
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
    }

    [Fact]
    public void Broker_that_cannot_start_reports_why()
    {
        File.WriteAllText(_pki.Store.BrokerKeyPath, "not a key");
        var e = Assert.Throws<BrokerException>(() => MosquittoInstance.Start(_pki.Config()));
        Assert.Contains("exited", e.Message);
        Assert.Contains("key", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Signals_need_a_running_broker()
    {
        var broker = _pki.StartBroker();
        broker.Kill();
        Assert.False(broker.IsRunning);
        Assert.Throws<BrokerException>(() => broker.Reload());
        Assert.Throws<BrokerException>(() => broker.SaveNow());
    }
}

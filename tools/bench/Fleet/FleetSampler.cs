using NodeFirmware.Bench.Ingest;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// Samples, every half second while the fleet runs, the bench process's resident memory (the nodes: their Core
/// state, simulated flash and TLS sessions), the broker's memory and open descriptors (about one per session), and
/// the receiver's memory (what its per-device state costs at the fleet's size).
/// </summary>
internal sealed class FleetSampler : IDisposable
{
    private readonly Func<int?> _brokerPid;
    private readonly int _receiverPid;
    private readonly Timer _timer;
    private readonly object _gate = new();

    public FleetSampler(Func<int?> brokerPid, int receiverPid)
    {
        _brokerPid = brokerPid;
        _receiverPid = receiverPid;
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
    }

    public double PeakOwnRssMb { get { lock (_gate) return _ownRss; } }
    public double PeakBrokerRssMb { get { lock (_gate) return _brokerRss; } }
    public int PeakBrokerDescriptors { get { lock (_gate) return _brokerFds; } }
    public double PeakReceiverRssMb { get { lock (_gate) return _receiverRss; } }

    private double _ownRss, _brokerRss, _receiverRss;
    private int _brokerFds;

    private void Sample()
    {
        double own = ProcessMemory.RssMb(Environment.ProcessId);
        int? pid;
        try { pid = _brokerPid(); }
        catch (InvalidOperationException) { pid = null; } // the broker is being restarted
        double broker = pid is int p ? ProcessMemory.RssMb(p) : 0;
        int fds = pid is int q ? DescriptorLimits.InUse(q) : 0;
        double receiver = ProcessMemory.RssMb(_receiverPid);
        lock (_gate)
        {
            _ownRss = Math.Max(_ownRss, own);
            _brokerRss = Math.Max(_brokerRss, broker);
            _brokerFds = Math.Max(_brokerFds, fds);
            _receiverRss = Math.Max(_receiverRss, receiver);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Sample();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Bench.Ingest;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeSim.Fleet;
using NodeSim.Node;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// One fleet run, all real components: a fleet CA and a certificate per node; Mosquitto with mutual TLS and
/// per-device ACLs (LocalFleetBroker, the project's generated configuration); the receiver as its own process
/// ingesting into SQLite, every node registered in its registry; and every node a VirtualNode (NodeFirmware.Core:
/// sampling, journal, back-off) with its own TLS session, paced on the wall clock. After a few cycles the broker is
/// stopped with SIGTERM and started again on its persistence; the nodes reconnect with Core's back-off. Then every
/// node delivers what its journal holds and the store is compared with what the nodes sampled.
/// </summary>
public static class FleetRun
{
    private const string Passphrase = "fleet benchmark passphrase";
    private static readonly TimeSpan StoreQuietLimit = TimeSpan.FromSeconds(60);

    public static async Task<FleetResult> RunAsync(FleetBenchOptions o, string dir, Action<string> log)
    {
        if (DescriptorLimits.Shortfall("the bench process", Environment.ProcessId, o.Nodes + 512) is { } own) throw new InvalidOperationException(own);
        var profile = BoardCatalog.Default().Load(o.Board).ToPowerProfile();
        var config = EnergyModel.TunedForBoard(new DeviceConfig
        {
            SampleIntervalSeconds = FleetBenchOptions.CycleSeconds,
            ReportIntervalSeconds = FleetBenchOptions.CycleSeconds,
            ListenWindowMilliseconds = o.ListenSeconds * 1000,
            AckWaitMilliseconds = o.AckMilliseconds,
        }, profile);
        if (ConfigValidator.Validate(config) is { } invalid) throw new InvalidOperationException("the nodes' configuration is invalid: " + invalid);

        using var cloud = LocalFleetBroker.Start(dir, Passphrase, "bench", kdfIterations: 100_000);
        if (DescriptorLimits.Shortfall("mosquitto", cloud.Broker.ProcessId!.Value, o.Nodes + 64) is { } broker) throw new InvalidOperationException(broker);

        var clock = Stopwatch.StartNew();
        double cpu = ProcessMemory.CpuSeconds(Environment.ProcessId);
        var ids = Enumerable.Range(0, o.Nodes).Select(i => "esp32-0b" + i.ToString("x10", CultureInfo.InvariantCulture)).ToArray();
        var certificates = ids.Select(cloud.IssueDevice).ToArray();
        // CPU time per certificate as well as wall time: on a shared machine only the first says what issuing costs.
        double issueMs = clock.Elapsed.TotalMilliseconds / o.Nodes, issueCpuMs = (ProcessMemory.CpuSeconds(Environment.ProcessId) - cpu) * 1000 / o.Nodes;
        log($"fleet: {o.Nodes} device certificates in {clock.Elapsed.TotalSeconds:F1} s ({issueCpuMs:F2} ms CPU each)");

        string storePath = Path.Combine(dir, "receiver.db");
        clock.Restart();
        await RegisterAsync(storePath, ids, certificates, o.Board);
        double registerS = clock.Elapsed.TotalSeconds;
        log($"fleet: {o.Nodes} devices registered in {registerS:F1} s");

        using var receiver = await ReceiverServe.StartAsync(AppContext.BaseDirectory, storePath, Path.Combine(dir, "admin.token"),
        [
            "--broker", $"{cloud.Endpoint.Host}:{cloud.Endpoint.Port}", "--ca", cloud.Pki.CaCertificatePath,
            "--cert", cloud.Pki.ServiceCertificatePath(ServiceIdentity.Receiver), "--key", cloud.Pki.ServiceKeyPath(ServiceIdentity.Receiver),
        ]);
        await receiver.WaitForBrokerAsync(TimeSpan.FromSeconds(60));

        // Virtual time starts a day back so that, compressed, it never runs ahead of the receiver's clock.
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 24 * 3600_000L;
        var pace = new PacedFleet(start, o.Speed);
        var random = new Random(13);
        var nodes = new VirtualNode[o.Nodes];
        using var handshakes = o.Handshakes > 0 ? new SemaphoreSlim(o.Handshakes) : null;
        for (int i = 0; i < o.Nodes; i++)
        {
            nodes[i] = new VirtualNode(new VirtualNodeOptions
            {
                DeviceId = ids[i], Certificate = certificates[i], Broker = cloud.Endpoint, PowerProfile = profile, Defaults = config,
                Seed = i + 1, StorageBytes = o.FlashSectors * 4096, ListenRealTimeShare = 1 / o.Speed, Handshakes = handshakes,
            }, start + random.Next(FleetBenchOptions.CycleSeconds * 1000)); // first boots spread over one cycle
        }

        int brokerPid = cloud.Broker.ProcessId!.Value;
        double benchCpu0 = ProcessMemory.CpuSeconds(Environment.ProcessId), receiverCpu0 = ProcessMemory.CpuSeconds(receiver.Pid);
        double brokerCpu0 = ProcessMemory.CpuSeconds(brokerPid);
        using var drain = new CancellationTokenSource();
        using var abort = new CancellationTokenSource();
        using var sampler = new FleetSampler(() => cloud.Broker.ProcessId, receiver.Pid);
        log($"fleet: running {o.Nodes} nodes at {o.Speed}x ({o.RealCycle.TotalSeconds:F0} s real per 60 s cycle)");
        var run = pace.RunAsync(nodes, drain.Token, abort.Token);

        await WhileRunning(run, o.RealCycle * o.CyclesBeforeRestart);
        // The restart is meant to hit the whole fleet: on a loaded machine some nodes need longer for their first connect.
        var firstConnects = Stopwatch.StartNew();
        while (!run.IsCompleted && nodes.Any(n => n.Connections == 0) && firstConnects.Elapsed < o.RealCycle * 5 + TimeSpan.FromSeconds(60))
            await WhileRunning(run, TimeSpan.FromSeconds(1));
        int connectedBefore = nodes.Count(n => n.Connections > 0);
        int sessionsBefore = DescriptorLimits.InUse(brokerPid);
        log($"fleet: {connectedBefore} nodes have connected ({nodes.Sum(n => n.Connections)} connections, {nodes.Sum(n => n.ConnectFailures)} failed attempts), " +
            $"broker holds {sessionsBefore} descriptors; stopping the broker (SIGTERM)");
        double brokerCpuFirst = ProcessMemory.CpuSeconds(brokerPid) - brokerCpu0;
        clock.Restart();
        // Stop and Restart wait by sleeping: on a thread of their own, not one the nodes' continuations need.
        await Task.Factory.StartNew(() => cloud.Broker.Stop(TimeSpan.FromSeconds(120)), TaskCreationOptions.LongRunning);
        double stopS = clock.Elapsed.TotalSeconds;
        var before = nodes.Select(n => n.Connections).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(o.BrokerDownSeconds));
        await Task.Factory.StartNew(cloud.Broker.Restart, TaskCreationOptions.LongRunning);
        var restarted = Stopwatch.StartNew();
        brokerPid = cloud.Broker.ProcessId!.Value;
        double brokerCpu1 = ProcessMemory.CpuSeconds(brokerPid);
        log($"fleet: broker stopped in {stopS:F1} s, down {o.BrokerDownSeconds:F0} s, accepting again");

        // When each node connected again, to 0.1 s: the spread shows whether the fleet came back in lockstep.
        var reconnectedAt = new double?[o.Nodes];
        int back = 0;
        var limit = o.RealCycle * 5 + TimeSpan.FromSeconds(60);
        var progress = Stopwatch.StartNew();
        while (restarted.Elapsed < limit && !run.IsCompleted && back < o.Nodes)
        {
            double now = restarted.Elapsed.TotalSeconds;
            for (int i = 0; i < nodes.Length; i++)
                if (reconnectedAt[i] is null && nodes[i].Connections > before[i]) { reconnectedAt[i] = now; back++; }
            if (progress.Elapsed > TimeSpan.FromSeconds(30))
            {
                log($"fleet: {back} nodes reconnected after {now:F0} s");
                progress.Restart();
            }
            await Task.Delay(100);
        }
        var reconnect = new ReconnectSpread(reconnectedAt);
        log($"fleet: {back} nodes reconnected ({reconnect}); draining the journals");

        drain.Cancel();
        if (await Task.WhenAny(run, Task.Delay(o.RealCycle * 5 + TimeSpan.FromSeconds(60))) != run) abort.Cancel();
        try { await run; }
        catch (OperationCanceledException) { log("fleet: some nodes still held readings when the drain timed out"); }
        foreach (var node in nodes) await node.DisposeAsync();
        double benchCpu = ProcessMemory.CpuSeconds(Environment.ProcessId) - benchCpu0;
        double brokerCpu = brokerCpuFirst + ProcessMemory.CpuSeconds(brokerPid) - brokerCpu1;

        long connections = nodes.Sum(n => (long)n.Connections);
        long generated = nodes.Sum(n => (long)n.Journal.Sampled);
        long pending = nodes.Sum(n => (long)n.Journal.Pending);
        long dropped = nodes.Sum(n => (long)n.Journal.Dropped);
        clock.Restart();
        await WaitForStoreAsync(storePath, generated);
        double settleS = clock.Elapsed.TotalSeconds;
        double receiverCpu = ProcessMemory.CpuSeconds(receiver.Pid) - receiverCpu0;
        var audit = await FleetStoreAudit.ReadAsync(storePath);
        // Twice: the first walk includes the receiver's first requests (JIT), the second is what a page load costs after.
        var first = await DevicePages.ListAllAsync(receiver);
        var page = await DevicePages.ListAllAsync(receiver);
        log($"fleet: the store holds {audit.UniqueKeys} of {generated} readings; the device list (page's query) returned {page.Devices} devices in {page.Seconds:F2} s ({first.Seconds:F2} s the first time)");

        return new FleetResult
        {
            Nodes = o.Nodes, ConnectedBeforeRestart = connectedBefore, Reconnected = back, Generated = generated, Stored = audit.UniqueKeys,
            Duplicated = audit.Duplicated, DuplicatesIgnored = audit.DuplicatesIgnored, PendingInJournals = pending, DroppedByJournals = dropped,
            Reconnect99Seconds = reconnect.Percentile(0.99), ReconnectAllSeconds = reconnect.Percentile(1.0), RssMbPerNode = sampler.PeakOwnRssMb / o.Nodes,
            Details = string.Create(CultureInfo.InvariantCulture,
                $"speed={o.Speed} listen_s={o.ListenSeconds} handshakes={o.Handshakes} ack_ms={o.AckMilliseconds} reconnect_50_s={reconnect.Format(0.5)} reconnect_90_s={reconnect.Format(0.9)} reconnect_99_virtual_s={reconnect.Percentile(0.99) * o.Speed:F0} connections={connections} connect_failures={nodes.Sum(n => (long)n.ConnectFailures)} broker_cpu_s={brokerCpu:F1} receiver_cpu_s={receiverCpu:F1} bench_cpu_s={benchCpu:F1} " +
                $"bench_cpu_ms_per_connection={benchCpu * 1000 / Math.Max(1, connections):F2} broker_cpu_ms_per_connection={brokerCpu * 1000 / Math.Max(1, connections):F2} " +
                $"peak_rss_mb={sampler.PeakOwnRssMb:F0} broker_peak_rss_mb={sampler.PeakBrokerRssMb:F0} broker_peak_fds={sampler.PeakBrokerDescriptors} receiver_peak_rss_mb={sampler.PeakReceiverRssMb:F0} " +
                $"broker_fds_before_restart={sessionsBefore} broker_stop_s={stopS:F1} broker_down_s={o.BrokerDownSeconds:F0} cert_issue_ms={issueMs:F2} cert_issue_cpu_ms={issueCpuMs:F2} " +
                $"register_s={registerS:F1} store_settle_s={settleS:F1} device_list_s={page.Seconds:F2} device_list_first_s={first.Seconds:F2} devices_listed={page.Devices} " +
                $"load1={ProcessMemory.Load1()} cores={Environment.ProcessorCount}"),
        };
    }

    /// <summary>Waits, but stops waiting (and throws) if the fleet's run failed.</summary>
    private static async Task WhileRunning(Task run, TimeSpan wait)
    {
        if (await Task.WhenAny(run, Task.Delay(wait)) == run) await run;
    }

    /// <summary>
    /// Every node in the receiver's registry, with its certificate's serial, as a factory registers it; synchronous
    /// NORMAL for this import only (one fsync per device would make it minutes), the receiver itself runs FULL.
    /// </summary>
    private static async Task RegisterAsync(string storePath, string[] ids, X509Certificate2[] certificates, string board)
    {
        await using var store = new SqliteTelemetryStore(storePath, "NORMAL");
        await store.MigrateAsync();
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < ids.Length; i++)
            await store.RegisterDeviceAsync(new DeviceRegistration(ids[i], certificates[i].SerialNumber, [], board), now);
    }

    /// <summary>Until the store holds every generated reading, or stops growing for a while (the shortfall is then lost).</summary>
    private static async Task WaitForStoreAsync(string storePath, long generated)
    {
        long last = -1;
        var quiet = Stopwatch.StartNew();
        while (true)
        {
            long rows = await FleetStoreAudit.RowsAsync(storePath);
            if (rows >= generated) return;
            if (rows != last) { last = rows; quiet.Restart(); }
            else if (quiet.Elapsed > StoreQuietLimit) return;
            await Task.Delay(250);
        }
    }
}

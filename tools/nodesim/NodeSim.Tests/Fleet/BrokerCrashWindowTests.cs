using NodeFirmware.Core.Config;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using NodeSim.Fleet;
using NodeSim.Node;
using NodeSim.Tests.Support;
using Xunit.Abstractions;
using TempDirectory = NodeSim.Tests.Support.TempDirectory;

namespace NodeSim.Tests.Fleet;

/// <summary>
/// The broker's own crash window (docs/broker.md, "Persistence, queues and their risks"): Mosquitto with mutual TLS,
/// persistence and its autosave interval as the project configures it; the receiver (its own process, SQLite) with a
/// persistent session; virtual nodes running NodeFirmware.Core. The receiver goes away, the nodes report (QoS 1,
/// PUBACKed by the broker), the broker is SIGKILLed right after the last PUBACK, inside its autosave window, then
/// restarted, and the receiver comes back. A reading the node released from its journal and the store never got is lost.
/// With ack_ms = 0 the node releases on PUBACK and the readings the broker had not saved are lost; with ack_ms the node
/// keeps them until the receiver's acknowledgement and sends them again: nothing is lost, each reading is stored once.
/// </summary>
public class BrokerCrashWindowTests(ITestOutputHelper output)
{
    private const long Minute = 60_000;

    /// <summary>6 in the test command; docs/benchmarks.md ("crash-window") has the figures for NODESIM_CRASH_WINDOW_NODES=100.</summary>
    private static int Nodes => int.TryParse(Environment.GetEnvironmentVariable("NODESIM_CRASH_WINDOW_NODES"), out int n) && n is >= 1 and <= 1000 ? n : 6;

    [Fact]
    public async Task With_the_receivers_acknowledgement_no_reading_is_lost_when_the_broker_dies_in_its_autosave_window()
    {
        var result = await RunAsync(Nodes, ackMilliseconds: 3000);
        Assert.True(result.SentInWindow > 0, "no telemetry was PUBACKed between the last autosave and the kill");
        Assert.Equal(0, result.Lost);
        Assert.True(result.Resent > 0, "no node sent anything again");
        Assert.True(result.StoredDuringOutage == 0, "the receiver was away, yet readings arrived");
    }

    [Fact]
    public async Task Releasing_on_the_brokers_PUBACK_loses_what_the_broker_had_not_saved()
    {
        var result = await RunAsync(Nodes, ackMilliseconds: 0);
        Assert.True(result.SentInWindow > 0, "no telemetry was PUBACKed between the last autosave and the kill");
        Assert.True(result.Lost > 0, "the broker lost nothing: the kill missed its autosave window");
    }

    private sealed record Outcome(long Generated, long Released, long Stored, long Lost, long Resent, long StoredDuringOutage, int SentInWindow);

    private async Task<Outcome> RunAsync(int nodes, int ackMilliseconds)
    {
        using var dir = new TempDirectory();
        using var cloud = LocalFleetBroker.Start(dir.Path, "crash window passphrase", kdfIterations: 100_000);
        string db = Path.Combine(dir.Path, "receiver.db");
        // Back-off capped at 30 s: a node whose batches went unacknowledged retries within 30 s, so each one flushes in
        // the 40 s before the kill.
        var config = new DeviceConfig
        {
            SampleIntervalSeconds = 60, ReportIntervalSeconds = 900, AckWaitMilliseconds = ackMilliseconds, BackoffBaseSeconds = 10, BackoffMaxSeconds = 30,
        };
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 2 * 24 * 3600_000L; // readings stay in the receiver's past
        await using var fleet = new VirtualFleet(start);
        for (int i = 0; i < nodes; i++)
        {
            string id = $"esp32-0000c0a5{i:x4}";
            // All in phase: every node flushes at the same virtual minute, so the last flush comes right before the kill.
            fleet.Add(new VirtualNodeOptions
            {
                DeviceId = id, Certificate = cloud.IssueDevice(id), Broker = cloud.Endpoint, PowerProfile = TestProfiles.FireBeetle(),
                Defaults = config, Seed = i + 1, ListenRealTimeShare = 0.02,
            });
        }

        // 1. Everyone up: the nodes report and the receiver stores (and acknowledges). An observer watches the wire.
        ReceiverProcess receiver = await FleetReceiver.StartAsync(cloud, db);
        var watcher = await TelemetryCollector.StartAsync(cloud.Endpoint, cloud.ObserverIdentity());
        await fleet.RunUntilAsync(start + 46 * Minute);
        await Task.Delay(1500); // the last commits
        receiver.Kill();
        long storedBefore = await CountAsync(db);

        // 2. The receiver is away; the nodes flush three times into its session (at about 59, 74 and 89 minutes). The
        // broker saves its database every 1-2 s: right after a save, the last flush runs and the broker is SIGKILLed at
        // once, so what that flush sent was PUBACKed and not yet saved.
        var releasedBefore = fleet.Nodes.Sum(n => (long)n.Journal.ReleasedThrough);
        await fleet.RunUntilAsync(start + 88 * Minute + 50_000);
        await WaitForAutosaveAsync(cloud.Broker.Config.DatabasePath);
        var sinceSave = System.Diagnostics.Stopwatch.StartNew();
        int messagesBefore = watcher.Messages;
        await fleet.RunUntilAsync(start + 89 * Minute + 30_000);
        cloud.Broker.Kill();
        int inWindow = watcher.Messages - messagesBefore;
        output.WriteLine($"SIGKILL {sinceSave.ElapsedMilliseconds} ms after an autosave; {inWindow} telemetry messages were PUBACKed in between");
        try { await watcher.DisposeAsync(); }
        catch (MQTTnet.Exceptions.MqttCommunicationException) { } // the broker it was connected to is gone
        var releasedAtKill = fleet.Nodes.Sum(n => (long)n.Journal.ReleasedThrough);
        output.WriteLine($"broker SIGKILLed; the nodes released {releasedAtKill - releasedBefore} readings while the receiver was away");
        long storedDuringOutage = await CountAsync(db) - storedBefore;

        // 3. Broker restarted from its last autosave, receiver back; the nodes go on for three hours (back-off, resends).
        cloud.Broker.Restart();
        receiver = await FleetReceiver.StartAsync(cloud, db);
        await using var watcherAfter = await TelemetryCollector.StartAsync(cloud.Endpoint, cloud.ObserverIdentity());
        await fleet.RunUntilAsync(start + 4 * 60 * Minute);
        await watcherAfter.SettleAsync();
        await Task.Delay(3000);
        receiver.Kill();

        // Judge by keys: what each node released must be in the store, once; nothing the node never made.
        await using var store = new SqliteTelemetryStore(db);
        long generated = 0, released = 0, stored = 0, lost = 0;
        foreach (var node in fleet.Nodes)
        {
            var j = node.Journal;
            var keys = (await store.QueryReadingsAsync(node.DeviceId, 0, long.MaxValue, 1_000_000)).Select(r => (r.Key.Epoch, r.Key.Sequence)).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            Assert.All(keys, k => Assert.True(k.Epoch == j.Epoch && k.Sequence >= 1 && k.Sequence < j.NextSequence, $"{node.DeviceId}: stored {k} it never made"));
            var have = keys.Select(k => k.Sequence).ToHashSet();
            generated += j.NextSequence - 1;
            released += j.ReleasedThrough;
            stored += keys.Count;
            lost += Enumerable.Range(1, (int)j.ReleasedThrough).Count(s => !have.Contains(s));
            Assert.Equal(0u, j.Dropped);
        }
        // Readings a node put on the wire more than once (a PUBACKed batch sent again): seen twice by the observer.
        long resent = watcher.Redelivered + watcherAfter.Redelivered
            + fleet.Nodes.Sum(n => (long)watcher.Received(n.DeviceId).Intersect(watcherAfter.Received(n.DeviceId)).Count());
        var outcome = new Outcome(generated, released, stored, lost, resent, storedDuringOutage, inWindow);
        output.WriteLine($"RESULT crash-window nodes={nodes} ack_ms={ackMilliseconds} generated={generated} released={released} stored={stored} " +
                         $"lost={lost} resent_readings={resent} still_in_journals={generated - released} messages_in_window={inWindow}");
        return outcome;
    }

    /// <summary>Returns right after Mosquitto rewrote its database (autosave_interval 1: every 1-2 s).</summary>
    private static async Task WaitForAutosaveAsync(string database)
    {
        var before = File.GetLastWriteTimeUtc(database);
        var limit = System.Diagnostics.Stopwatch.StartNew();
        while (File.GetLastWriteTimeUtc(database) == before)
        {
            if (limit.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException($"mosquitto did not save {database} within 10 s");
            await Task.Delay(5);
        }
    }

    private static async Task<long> CountAsync(string db)
    {
        await using var store = new SqliteTelemetryStore(db);
        return await store.CountReadingsAsync();
    }
}

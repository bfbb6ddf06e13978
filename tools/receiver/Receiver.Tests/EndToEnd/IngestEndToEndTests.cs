using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Postgres;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using Xunit.Abstractions;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>
/// Devices publish through a real mosquitto with mutual TLS while the receiver process is SIGKILLed and restarted
/// and the broker is restarted at random points. Every generated reading must be stored exactly once: the
/// receiver acknowledges only committed messages, so whatever a kill interrupts is redelivered and deduplicated.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IngestEndToEndTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const int Devices = 3, BatchesPerDevice = 30, ReadingsPerBatch = 10;
    private readonly TempDirectory _dir = new("nf-e2e");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public Task Sqlite_stores_every_reading_once_across_receiver_kills_and_broker_restarts() =>
        RunAsync("sqlite:" + _dir.File("receiver.db"), () => new SqliteTelemetryStore(_dir.File("receiver.db")), seed: 1,
            shareGroup: "", chaos: ["kill", "kill", "kill", "broker", "broker"]);

    [Fact]
    public async Task Postgres_stores_every_reading_once_across_receiver_kills_and_broker_restarts()
    {
        string connection = await postgres.NewDatabaseAsync();
        await RunAsync("postgres:" + connection, () => new PostgresTelemetryStore(connection), seed: 2,
            shareGroup: "", chaos: ["kill", "kill", "kill", "broker", "broker"]);
    }

    /// <summary>
    /// The shared subscription under receiver kills. Not under broker restarts: Mosquitto 2.0.11 does not persist
    /// shared subscriptions, so what devices publish between the broker's restart and the receiver's re-subscribe
    /// is lost (docs/receiver.md).
    /// </summary>
    [Fact]
    public Task Shared_subscription_stores_every_reading_once_across_receiver_kills() =>
        RunAsync("sqlite:" + _dir.File("receiver.db"), () => new SqliteTelemetryStore(_dir.File("receiver.db")), seed: 3,
            shareGroup: "receivers", chaos: ["kill", "kill", "kill"]);

    private async Task RunAsync(string storeSpec, Func<ITelemetryStore> openStore, int seed, string shareGroup, string[] chaos)
    {
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        var receiverArgs = new[] { "--store", storeSpec, "--share-group", shareGroup }.Concat(pki.ReceiverArgs(broker)).ToArray();
        var receiver = await ReceiverProcess.StartAsync(receiverArgs);
        // The first subscription must exist before devices publish: until then the broker routes telemetry nowhere.
        await receiver.WaitForBrokerAsync();
        var random = new Random(seed);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        try
        {
            var devices = Enumerable.Range(0, Devices)
                .Select(i => $"esp32-e2e{seed:x2}{i:x7}")
                .Select(id => new SimulatedDevice(id, pki.Device(id), pki.Trust, broker.Host, broker.Port))
                .ToList();
            var publishing = devices.Select((d, i) => d.RunAsync(BatchesPerDevice, ReadingsPerBatch, TimeSpan.FromMilliseconds(300), seed * 100 + i, cts.Token)).ToList();

            // Chaos while the devices publish (about 10 s): the events in random order at random moments.
            foreach (var e in chaos.OrderBy(_ => random.Next()))
            {
                await Task.Delay(random.Next(300, 1800), cts.Token);
                if (e == "kill")
                {
                    receiver.Kill();
                    output.WriteLine($"receiver SIGKILLed at {DateTime.UtcNow:HH:mm:ss.fff}");
                    await Task.Delay(random.Next(0, 500), cts.Token);
                    receiver.Dispose();
                    receiver = await ReceiverProcess.StartAsync(receiverArgs);
                }
                else
                {
                    broker.Restart();
                    output.WriteLine($"broker restarted at {DateTime.UtcNow:HH:mm:ss.fff}");
                }
            }
            int generated = (await Task.WhenAll(publishing)).Sum();
            output.WriteLine($"generated {generated}; redeliveries {devices.Sum(d => d.Redeliveries)}, device retries {devices.Sum(d => d.Retries)}");

            await using var store = openStore();
            long stored = await StoreSettling.WaitUntilSettledAsync(store, generated, cts.Token);
            if (generated != stored)
            {
                var missing = new List<string>();
                foreach (var d in devices)
                {
                    var have = (await store.QueryReadingsAsync(d.Id, 0, long.MaxValue, 100_000)).Select(r => r.Key.Sequence).ToHashSet();
                    missing.Add(d.Id + ": " + string.Join(",", Enumerable.Range(0, BatchesPerDevice * ReadingsPerBatch).Where(q => !have.Contains(q))));
                }
                File.WriteAllText("/tmp/recv-e2e-mosquitto.log", broker.ReadLog());
                Assert.Fail($"generated {generated}, stored {stored}; missing {string.Join("; ", missing)}\nreceiver output:\n{receiver.Output}");
            }

            foreach (var device in devices)
            {
                var readings = await store.QueryReadingsAsync(device.Id, 0, long.MaxValue, 100_000);
                Assert.Equal(Enumerable.Range(0, BatchesPerDevice * ReadingsPerBatch).Select(s => (long)s), readings.Select(r => r.Key.Sequence).Order());
                Assert.All(readings, r => Assert.Equal(4, r.Values.Count));
            }
            var counts = await store.GetCountsAsync();
            Assert.Equal(generated, counts.Readings);
            Assert.True(counts.DuplicatesIgnored > 0, "the redeliveries never reached the store as duplicates");
            Assert.Empty(counts.QuarantinedByReason);
            output.WriteLine($"stored {stored}, duplicates ignored {counts.DuplicatesIgnored}");
            foreach (var d in devices) d.Dispose();
        }
        finally
        {
            receiver.Dispose();
        }
    }
}

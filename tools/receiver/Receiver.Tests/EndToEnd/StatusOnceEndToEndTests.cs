using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Postgres;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>
/// Statuses through a real mosquitto (mutual TLS, MQTT 5) into both stores while the receiver's ingest stops and starts
/// again: each status a device sent is one vitals sample, whether the broker sends it again as a redelivery (stored, not
/// acknowledged when the receiver stopped) or as the retained copy when the receiver subscribes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StatusOnceEndToEndTests(PostgresFixture postgres) : IDisposable
{
    private static readonly string[] Identities = [ServiceIdentity.Receiver, "receiver-2", "receiver-3"];
    private readonly TempDirectory _dir = new("nf-status-once");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_status_stored_but_not_acknowledged_when_the_receiver_stops_is_stored_once(string kind)
    {
        await using var store = await OpenStoreAsync(kind, "a");
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        await using var device = await ConnectDeviceAsync(pki, broker, "esp32-5a7e00000001");

        // The first receiver commits the first status and stops before it can acknowledge anything.
        var first = new InterceptingStore(store) { AfterWrite = (batch, ct) => batch.Statuses.Count > 0 ? Task.Delay(Timeout.Infinite, ct) : Task.CompletedTask };
        await using (var ingest = await Ingest.StartAsync(first, pki, broker, ServiceIdentity.Receiver))
        {
            await device.PublishAsync(StatusTopic(device), Status("online", 3900, uptime: 10), retain: true);
            await device.PublishAsync(StatusTopic(device), Status("sleeping", 3900, uptime: 12), retain: true);
            await Until(() => Count(first.Committed) >= 1);
        }
        int storedBeforeStop = (await Samples(store, device.Id)).Count;
        Assert.InRange(storedBeforeStop, 1, 2);

        // The next one gets them again (DUP), and then a new status.
        var second = new InterceptingStore(store);
        await using (var ingest = await Ingest.StartAsync(second, pki, broker, ServiceIdentity.Receiver))
        {
            await Until(() => Count(second.Committed) >= 2);
            await device.PublishAsync(StatusTopic(device), Status("online", 3900, uptime: 20), retain: true);
            await Until(() => Committed(second, uptime: 20));
        }
        Assert.Contains(second.Committed.SelectMany(b => b.Statuses), s => s.Delivery!.Redelivered);
        Assert.Equal([("online", 10L), ("sleeping", 12L), ("online", 20L)], (await Samples(store, device.Id)).Select(s => (s.State, s.UptimeSeconds!.Value)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Retained_statuses_are_stored_once_across_restarts_and_a_receiver_without_a_session_learns_them(string kind)
    {
        await using var store = await OpenStoreAsync(kind, "a");
        using var pki = new FleetPki(_dir);
        foreach (var identity in Identities.Skip(1)) pki.IssueReceiver(identity);
        var broker = pki.StartBroker(c => c.With(receiverIdentities: Identities));
        await using var a = await ConnectDeviceAsync(pki, broker, "esp32-5a7e0000000a");
        await using var b = await ConnectDeviceAsync(pki, broker, "esp32-5a7e0000000b");

        var first = new InterceptingStore(store);
        await using (var ingest = await Ingest.StartAsync(first, pki, broker, ServiceIdentity.Receiver))
        {
            foreach (var d in new[] { a, b })
            {
                await d.PublishAsync(StatusTopic(d), Status("online", 3900, uptime: 1), retain: true);
                await d.PublishAsync(StatusTopic(d), Status("sleeping", 3900, uptime: 2), retain: true);
            }
            await Until(() => Count(first.Committed) >= 4);
        }

        // Restarted on its session: the retained statuses are not sent again.
        for (int restart = 0; restart < 2; restart++)
        {
            var again = new InterceptingStore(store);
            await using var ingest = await Ingest.StartAsync(again, pki, broker, ServiceIdentity.Receiver);
            await a.PublishAsync(StatusTopic(a), Status("online", 3890, uptime: 10 + restart), retain: true);
            await Until(() => Committed(again, uptime: 10 + restart));
            // (A redelivery of a status whose PUBACK the stop cut off may come; a retained copy may not.)
            Assert.DoesNotContain(again.Committed.SelectMany(x => x.Statuses), s => s.Delivery!.Retained);
        }
        Assert.Equal([1L, 2L, 10L, 11L], (await Samples(store, a.Id)).Select(s => s.UptimeSeconds!.Value));
        Assert.Equal([1L, 2L], (await Samples(store, b.Id)).Select(s => s.UptimeSeconds!.Value));

        // A receiver without a session on an empty store learns each device's last status.
        await using var empty = await OpenStoreAsync(kind, "b");
        var fresh = new InterceptingStore(empty);
        await using (var ingest = await Ingest.StartAsync(fresh, pki, broker, Identities[1]))
            await Until(() => Count(fresh.Committed) >= 2);
        Assert.Equal([11L], (await Samples(empty, a.Id)).Select(s => s.UptimeSeconds!.Value));
        Assert.Equal([2L], (await Samples(empty, b.Id)).Select(s => s.UptimeSeconds!.Value));

        // One without a session on the store that has them all (its session lost): the retained copies add nothing.
        var lost = new InterceptingStore(store);
        await using (var ingest = await Ingest.StartAsync(lost, pki, broker, Identities[2]))
            await Until(() => Count(lost.Committed) >= 2);
        Assert.All(lost.Committed.SelectMany(x => x.Statuses), s => Assert.True(s.Delivery!.Retained));
        Assert.Equal(4, (await Samples(store, a.Id)).Count);
        Assert.Equal(2, (await Samples(store, b.Id)).Count);
    }

    private async Task<ITelemetryStore> OpenStoreAsync(string kind, string name)
    {
        ITelemetryStore store = kind == "sqlite"
            ? new SqliteTelemetryStore(_dir.File(name + ".db"))
            : new PostgresTelemetryStore(await postgres.NewDatabaseAsync());
        await store.MigrateAsync();
        return store;
    }

    private static async Task<DeviceClient> ConnectDeviceAsync(FleetPki pki, MosquittoInstance broker, string id)
    {
        var device = new DeviceClient(id, pki.Device(id), pki.Trust, broker.Host, broker.Port, persistentSession: false);
        await device.ConnectAsync();
        return device;
    }

    private static string StatusTopic(DeviceClient device) => $"nodes/{device.Id}/status";

    private static byte[] Status(string state, int battery, long uptime) => StatusEncoder.Encode(new NodeStatus
    {
        State = state, FirmwareVersion = "1.5.0", Epoch = 3, Wake = "timer", BatteryMillivolts = battery, Boots = 2, UptimeSeconds = uptime,
        SleepUntil = state == "sleeping" ? 1_750_000_600 : 0,
    });

    private static int Count(List<WriteBatch> committed)
    {
        lock (committed) return committed.Sum(b => b.Statuses.Count);
    }

    private static bool Committed(InterceptingStore store, long uptime)
    {
        lock (store.Committed) return store.Committed.Any(b => b.Statuses.Any(s => s.Status.Vitals?.UptimeSeconds == uptime));
    }

    private static Task<IReadOnlyList<Receiver.Vitals.VitalsSample>> Samples(ITelemetryStore store, string deviceId) =>
        store.QueryVitalsAsync(deviceId, 0, long.MaxValue, 100);

    private static async Task Until(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the statuses did not reach the store in 20 s");
            await Task.Delay(20);
        }
    }

    /// <summary>The receiver's ingest service on a store of the test's, connected to the broker as <c>identity</c>.</summary>
    private sealed class Ingest : IAsyncDisposable
    {
        private readonly MqttIngestService _service;
        private readonly ReceiverMetrics _metrics;

        private Ingest(MqttIngestService service, ReceiverMetrics metrics)
        {
            _service = service;
            _metrics = metrics;
        }

        public static async Task<Ingest> StartAsync(ITelemetryStore store, FleetPki pki, MosquittoInstance broker, string identity)
        {
            var options = Options.Create(new MqttIngestOptions
            {
                Address = $"{broker.Host}:{broker.Port}",
                CaFile = pki.Store.CaCertificatePath,
                CertFile = pki.Store.ServiceCertificatePath(identity),
                KeyFile = pki.Store.ServiceKeyPath(identity),
                ClientId = identity == ServiceIdentity.Receiver ? "receiver-1" : identity,
            });
            var metrics = new ReceiverMetrics();
            var writer = new IngestWriter(store, metrics, TimeProvider.System, NullLogger<IngestWriter>.Instance);
            var service = new MqttIngestService(options, new IngestClassifier(new TelemetryValidator(), metrics), writer, metrics, TimeProvider.System,
                NullLogger<MqttIngestService>.Instance);
            await service.StartAsync(CancellationToken.None);
            var ingest = new Ingest(service, metrics);
            await Until(() => ingest._metrics.IsBrokerConnected);
            return ingest;
        }

        /// <summary>Stops it as a kill would, as far as the broker can tell: what was not acknowledged stays in the session.</summary>
        public async ValueTask DisposeAsync()
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }
    }
}

using NodeFirmware.Core.Telemetry;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Storage.Postgres;
using NodeFirmware.Receiver.Tests.Support;
using Xunit.Abstractions;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>
/// Three receiver instances, each with its own certificate identity (so its own persistent session), share one
/// fleet through the shared subscription $share/receivers/nodes/+/telemetry on one mosquitto with mutual TLS, and
/// store into one PostgreSQL database. One instance is SIGKILLed while devices publish and restarted with the same
/// identity, as a supervisor would: the messages it had in flight and its share queued meanwhile are redelivered
/// to its resumed session. Every reading a device got PUBACKed for must be stored exactly once. Statuses go through
/// the group too: each one a device sent is stored once, not once per receiver.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedReceiversEndToEndTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private const int Devices = 4, BatchesPerDevice = 25, ReadingsPerBatch = 10;
    private static readonly string[] Identities = [ServiceIdentity.Receiver, "receiver-2", "receiver-3"];
    private readonly TempDirectory _dir = new("nf-shared");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Three_receivers_on_one_postgres_store_every_acked_reading_once_when_one_is_killed()
    {
        string connection = await postgres.NewDatabaseAsync();
        using var pki = new FleetPki(_dir);
        foreach (var identity in Identities.Skip(1)) pki.IssueReceiver(identity);
        var broker = pki.StartBroker(c => c.With(receiverIdentities: Identities));
        string[] Args(string identity) => ["--store", "postgres:" + connection, "--share-group", "receivers", .. pki.ReceiverArgs(broker, identity)];

        // One after the other: the first creates the schema and the admin token the others are scraped with.
        var receivers = new ReceiverProcess[Identities.Length];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        try
        {
            for (int i = 0; i < Identities.Length; i++)
            {
                receivers[i] = await ReceiverProcess.StartAsync(Args(Identities[i]));
                await receivers[i].WaitForBrokerAsync(token: receivers[0].AdminToken);
            }
            string token = receivers[0].AdminToken ?? throw new InvalidOperationException("the first receiver made no admin token");

            var devices = Enumerable.Range(0, Devices)
                .Select(i => $"esp32-5ba7ed{i:x6}")
                .Select(id => new SimulatedDevice(id, pki.Device(id), pki.Trust, broker.Host, broker.Port))
                .ToList();
            var publishing = devices.Select((d, i) => d.RunAsync(BatchesPerDevice, ReadingsPerBatch, TimeSpan.FromMilliseconds(200), 700 + i, cts.Token)).ToList();

            await Task.Delay(2000, cts.Token);
            receivers[1].Kill();
            output.WriteLine($"{Identities[1]} SIGKILLed at {DateTime.UtcNow:HH:mm:ss.fff}");
            await Task.Delay(1500, cts.Token); // its share queues in its session meanwhile
            receivers[1].Dispose();
            receivers[1] = await ReceiverProcess.StartAsync(Args(Identities[1]));
            await receivers[1].WaitForBrokerAsync(token: token);

            int generated = (await Task.WhenAll(publishing)).Sum();
            await using var store = new PostgresTelemetryStore(connection);
            long stored = await StoreSettling.WaitUntilSettledAsync(store, generated, cts.Token);
            output.WriteLine($"generated {generated} (acked), stored {stored}; device re-sends {devices.Sum(d => d.Redeliveries)}, retries {devices.Sum(d => d.Retries)}");

            foreach (var device in devices)
            {
                var readings = await store.QueryReadingsAsync(device.Id, 0, long.MaxValue, 100_000);
                Assert.Equal(Enumerable.Range(0, BatchesPerDevice * ReadingsPerBatch).Select(s => (long)s), readings.Select(r => r.Key.Sequence).Order());
            }
            Assert.Equal(generated, stored);

            // The load was really shared: every instance took telemetry from the broker.
            for (int i = 0; i < receivers.Length; i++)
            {
                using var http = receivers[i].Client(token);
                string metrics = await http.GetStringAsync("/metrics", cts.Token);
                long received = Metric(metrics, "receiver_messages_received_total{kind=\"telemetry\"}");
                output.WriteLine($"{Identities[i]}: {received} telemetry messages");
                if (i != 1) Assert.True(received > 0, $"{Identities[i]} received no telemetry: the subscription was not shared");
            }
            foreach (var d in devices) d.Dispose();
        }
        finally
        {
            foreach (var r in receivers) r?.Dispose();
        }
    }

    [Fact]
    public async Task Two_receivers_on_one_postgres_store_keep_each_status_a_device_sent_once()
    {
        string connection = await postgres.NewDatabaseAsync();
        using var pki = new FleetPki(_dir);
        pki.IssueReceiver(Identities[1]);
        var broker = pki.StartBroker(c => c.With(receiverIdentities: Identities[..2]));
        string[] Args(string identity) => ["--store", "postgres:" + connection, "--share-group", "receivers", .. pki.ReceiverArgs(broker, identity)];

        var receivers = new ReceiverProcess?[2];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            for (int i = 0; i < receivers.Length; i++)
            {
                receivers[i] = await ReceiverProcess.StartAsync(Args(Identities[i]));
                await receivers[i]!.WaitForBrokerAsync(token: receivers[0]!.AdminToken);
            }
            string token = receivers[0]!.AdminToken ?? throw new InvalidOperationException("the first receiver made no admin token");
            var (received, uptimes) = await SendStatusesAsync(pki, broker, connection, receivers!, token, cts.Token);

            Assert.Equal(Enumerable.Range(1, StatusesSent).Select(u => (long)u), uptimes);
            Assert.Equal(StatusesSent, received.Sum());
            Assert.All(received, n => Assert.True(n > 0, "a receiver took no status: the status subscription was not shared"));
        }
        finally
        {
            foreach (var r in receivers) r?.Dispose();
        }
    }

    [Fact]
    public async Task A_receiver_that_joins_a_share_group_on_its_old_session_keeps_each_status_once()
    {
        string connection = await postgres.NewDatabaseAsync();
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        string[] plain = ["--store", "postgres:" + connection, .. pki.ReceiverArgs(broker, Identities[0])];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // Its session keeps the plain subscriptions of this run; the next run must drop them for the shared ones.
        string token;
        using (var first = await ReceiverProcess.StartAsync(plain))
        {
            token = first.AdminToken ?? throw new InvalidOperationException("the receiver made no admin token");
            await first.WaitForBrokerAsync(token: token);
        }
        using var shared = await ReceiverProcess.StartAsync([.. plain, "--share-group", "receivers"]);
        await shared.WaitForBrokerAsync(token: token);
        var (received, uptimes) = await SendStatusesAsync(pki, broker, connection, [shared], token, cts.Token);

        Assert.Equal(Enumerable.Range(1, StatusesSent).Select(u => (long)u), uptimes);
        Assert.Equal(StatusesSent, received.Single());
    }

    private const int StatusesSent = 12;

    /// <summary>
    /// One device publishes <see cref="StatusesSent"/> statuses, retained as a device does, each with its own uptime so
    /// each is a sample of its own; returns how many each receiver took, once they have together taken at least that
    /// many, each some, and stored all they took, and the uptimes stored.
    /// </summary>
    private async Task<(long[] Received, long[] Uptimes)> SendStatusesAsync(FleetPki pki, HostCommon.Broker.MosquittoInstance broker, string connection,
        IReadOnlyList<ReceiverProcess> receivers, string token, CancellationToken ct)
    {
        const string id = "esp32-5ba7ed5a7e01";
        await using var device = new DeviceClient(id, pki.Device(id), pki.Trust, broker.Host, broker.Port, persistentSession: false);
        await device.ConnectAsync();
        for (int uptime = 1; uptime <= StatusesSent; uptime++)
            await device.PublishAsync($"nodes/{id}/status", StatusEncoder.Encode(new NodeStatus
            {
                State = "online", FirmwareVersion = "1.5.0", Epoch = 3, Wake = "timer", BatteryMillivolts = 3900, Boots = 2, UptimeSeconds = uptime,
            }), retain: true);

        await using var store = new PostgresTelemetryStore(connection);
        long[] received = [];
        IReadOnlyList<Receiver.Vitals.VitalsSample> samples = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((received.Length == 0 || received.Sum() < StatusesSent || received.Any(n => n == 0) || samples.Count < received.Sum()) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
            received = await Task.WhenAll(receivers.Select(async r =>
            {
                using var http = r.Client(token);
                return Metric(await http.GetStringAsync("/metrics", ct), "receiver_messages_received_total{kind=\"status\"}");
            }));
            samples = await store.QueryVitalsAsync(id, 0, long.MaxValue, 1000, ct);
        }
        output.WriteLine($"statuses taken: {string.Join(", ", received)}; samples stored: {samples.Count}");
        return (received, samples.Select(s => s.UptimeSeconds!.Value).Order().ToArray());
    }

    private static long Metric(string exposition, string sample) =>
        exposition.Split('\n').Where(l => l.StartsWith(sample + " ", StringComparison.Ordinal))
            .Select(l => (long)double.Parse(l[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Single();
}

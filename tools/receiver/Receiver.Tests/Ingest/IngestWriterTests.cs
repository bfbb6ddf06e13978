using Microsoft.Extensions.Logging.Abstractions;
using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Tests.Ingest;

public sealed class IngestWriterTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ReceiverMetrics _metrics = new();
    private InterceptingStore _store = null!;
    private IngestWriter _writer = null!;
    private IngestClassifier _classifier = null!;
    private readonly List<string> _acked = new();

    public async Task InitializeAsync()
    {
        _store = new InterceptingStore(new SqliteTelemetryStore(_dir.File("r.db")));
        await _store.MigrateAsync();
        _writer = new IngestWriter(_store, _metrics, TimeProvider.System, NullLogger<IngestWriter>.Instance, retryInitial: TimeSpan.FromMilliseconds(5));
        _classifier = new IngestClassifier(new TelemetryValidator(), _metrics);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();
    public void Dispose() => _dir.Dispose();

    private void Enqueue(string name, string topic, byte[] payload)
    {
        var now = DateTimeOffset.UtcNow;
        _writer.Enqueue(new PendingMessage(topic, payload, now, _classifier.Classify(topic, payload, now), _ =>
        {
            lock (_acked) _acked.Add(name);
            return Task.CompletedTask;
        }));
    }

    private static byte[] Telemetry(uint seq, int count = 3) => Batches.Encode(count, seq, Batches.Now - 600);

    private async Task WaitForAcks(int n)
    {
        for (int i = 0; i < 1000 && _acked.Count < n; i++) await Task.Delay(10);
        Assert.Equal(n, _acked.Count);
    }

    [Fact]
    public async Task Messages_are_acknowledged_in_order_only_after_their_commit()
    {
        var release = new TaskCompletionSource();
        var writing = new TaskCompletionSource();
        _store.BeforeWrite = async _ => { writing.TrySetResult(); await release.Task; };
        using var cts = new CancellationTokenSource();
        var run = _writer.RunAsync(cts.Token);

        var topic = "nodes/" + Batches.DeviceId + "/telemetry";
        Enqueue("a", topic, Telemetry(0));
        Enqueue("b", topic, Telemetry(3));
        Enqueue("c", topic, Telemetry(6));
        await writing.Task;
        await Task.Delay(50);
        Assert.Empty(_acked);
        Assert.Equal(0, await _store.CountReadingsAsync());

        release.SetResult();
        await WaitForAcks(3);
        Assert.Equal(["a", "b", "c"], _acked);
        Assert.Equal(9, await _store.CountReadingsAsync());
        Assert.Equal(9, _metrics.ReadingsStored);
        Assert.Equal(0, _metrics.Pending);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task Batches_of_both_versions_are_stored_and_a_resend_in_the_other_version_stores_nothing_twice()
    {
        using var cts = new CancellationTokenSource();
        var run = _writer.RunAsync(cts.Token);
        var topic = "nodes/" + Batches.DeviceId + "/telemetry";
        var old = Batches.Readings(5, 0, Batches.Now - 900);
        var packed = Batches.Readings(5, 5, Batches.Now - 600, faultRate: 0.3);
        Enqueue("v1", topic, Batches.Encode(1, old));
        Enqueue("v2", topic, Batches.Encode(2, packed));
        Enqueue("v2 again as v1", topic, Batches.Encode(1, packed));
        await WaitForAcks(3);
        Assert.Equal(10, await _store.CountReadingsAsync());
        Assert.Empty(await _store.ListQuarantineAsync(10));
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task A_version_2_batch_is_stored_under_the_device_of_its_topic_and_no_other()
    {
        const string other = "esp32-0000000000bb";
        using var cts = new CancellationTokenSource();
        var run = _writer.RunAsync(cts.Token);
        // The same bytes on two devices' topics (the broker lets each device publish only under its own): two devices' readings.
        byte[] packed = Batches.EncodePacked(Batches.Readings(4, 20, Batches.Now - 600));
        Enqueue("mine", "nodes/" + Batches.DeviceId + "/telemetry", packed);
        Enqueue("theirs", "nodes/" + other + "/telemetry", packed);
        await WaitForAcks(2);
        Assert.Equal(4, await _store.CountReadingsAsync(Batches.DeviceId));
        Assert.Equal(4, await _store.CountReadingsAsync(other));
        Assert.Equal(8, await _store.CountReadingsAsync());
        Assert.Empty(await _store.ListQuarantineAsync(10));
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task A_failing_store_is_retried_and_nothing_is_acknowledged_until_it_works()
    {
        int failures = 0;
        _store.BeforeWrite = _ => ++failures <= 2 ? throw new IOException("disk unplugged") : Task.CompletedTask;
        using var cts = new CancellationTokenSource();
        var run = _writer.RunAsync(cts.Token);
        Enqueue("a", "nodes/" + Batches.DeviceId + "/telemetry", Telemetry(0));
        await WaitForAcks(1);
        Assert.Equal(2, _metrics.StoreErrors);
        Assert.Equal(3, await _store.CountReadingsAsync());
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task A_message_the_store_keeps_refusing_is_quarantined_and_does_not_block_the_others()
    {
        const string poison = "esp32-badbadbadbad";
        _store.BeforeWrite = b => b.Telemetry.Any(t => t.DeviceId == poison) ? throw new InvalidOperationException("constraint") : Task.CompletedTask;
        using var cts = new CancellationTokenSource();
        var run = _writer.RunAsync(cts.Token);
        Enqueue("good1", "nodes/" + Batches.DeviceId + "/telemetry", Telemetry(0));
        Enqueue("poison", "nodes/" + poison + "/telemetry", Batches.Encode(2, 0, Batches.Now - 600, deviceId: poison));
        Enqueue("good2", "nodes/" + Batches.DeviceId + "/telemetry", Telemetry(3));
        await WaitForAcks(3);
        Assert.Equal(6, await _store.CountReadingsAsync());
        var q = Assert.Single(await _store.ListQuarantineAsync(10));
        Assert.Equal("store-error", q.Reason);
        Assert.Equal("nodes/" + poison + "/telemetry", q.Topic);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task Bad_payloads_are_quarantined_and_acknowledged_and_statuses_stored()
    {
        using var cts = new CancellationTokenSource();
        var run = _writer.RunAsync(cts.Token);
        Enqueue("garbage", "nodes/" + Batches.DeviceId + "/telemetry", [0xFF, 0x00]);
        Enqueue("mismatch", "nodes/esp32-000000000001/telemetry", Telemetry(0));
        Enqueue("status", "nodes/" + Batches.DeviceId + "/status", Core.Telemetry.StatusEncoder.Encode(new Core.Telemetry.NodeStatus { FirmwareVersion = "2.0.0" }));
        Enqueue("topic", "nodes/" + Batches.DeviceId + "/elsewhere", [0xA0]);
        await WaitForAcks(4);
        var reasons = (await _store.ListQuarantineAsync(10)).Select(q => q.Reason).Order().ToList();
        Assert.Equal(["device-mismatch", "invalid-topic", "malformed-cbor"], reasons);
        Assert.Equal("2.0.0", (await _store.GetDeviceAsync(Batches.DeviceId))!.Firmware);
        Assert.Equal(1, _metrics.QuarantinedByReason["device-mismatch"]);
        Assert.Equal(2, _metrics.ReceivedByKind["telemetry"]);
        Assert.Equal(1, _metrics.ReceivedByKind["status"]);
        Assert.Equal(1, _metrics.ReceivedByKind["other"]);
        cts.Cancel();
        await run;
    }

    [Fact]
    public async Task A_full_queue_makes_the_sender_wait_until_commits_make_room()
    {
        var release = new TaskCompletionSource();
        _store.BeforeWrite = _ => release.Task;
        var writer = new IngestWriter(_store, _metrics, TimeProvider.System, NullLogger<IngestWriter>.Instance, maxMessagesPerCommit: 2);
        using var cts = new CancellationTokenSource();
        var run = writer.RunAsync(cts.Token);
        var topic = "nodes/" + Batches.DeviceId + "/telemetry";
        var acked = 0;
        PendingMessage Message(uint seq)
        {
            var payload = Telemetry(seq * 3);
            return new PendingMessage(topic, payload, DateTimeOffset.UtcNow, _classifier.Classify(topic, payload, DateTimeOffset.UtcNow),
                _ => { Interlocked.Increment(ref acked); return Task.CompletedTask; });
        }

        // One commit (1 or 2 messages, whatever had arrived) is held by the store; the queue holds 2 commits' worth (4);
        // the senders beyond that wait.
        var sent = new List<Task>();
        for (uint i = 0; i < 7; i++) sent.Add(writer.EnqueueAsync(Message(i), CancellationToken.None).AsTask());
        await Task.Delay(200);
        Assert.InRange(sent.Count(t => t.IsCompleted), 5, 6);
        Assert.False(sent[^1].IsCompleted);
        Assert.Throws<InvalidOperationException>(() => writer.Enqueue(Message(9)));
        Assert.Equal(0, acked);

        release.SetResult();
        await Task.WhenAll(sent);
        for (int i = 0; i < 1000 && Volatile.Read(ref acked) < 7; i++) await Task.Delay(10);
        Assert.Equal(7, acked);
        Assert.Equal(21, await _store.CountReadingsAsync());
        cts.Cancel();
        await run;
    }
}

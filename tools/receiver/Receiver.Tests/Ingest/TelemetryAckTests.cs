using Microsoft.Extensions.Logging.Abstractions;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Tests.Ingest;

/// <summary>
/// Which messages get the receiver's acknowledgement on nodes/{id}/telemetry/ack once committed, and what it says
/// (docs/formats/README.md, "Telemetry acknowledgement"); the device's side is NodeFirmware.Core's TelemetryAck.
/// </summary>
public sealed class TelemetryAckTests
{
    private readonly IngestClassifier _classifier = new(new TelemetryValidator(), new ReceiverMetrics());
    private static readonly string Topic = $"nodes/{Batches.DeviceId}/telemetry";

    private TelemetryAckMessage? AckFor(string topic, byte[] payload)
    {
        _classifier.Classify(topic, payload, DateTimeOffset.UtcNow, out var ack);
        return ack;
    }

    [Fact]
    public void A_stored_batch_is_acknowledged_with_its_epoch_first_sequence_and_count_to_its_own_device()
    {
        var ack = AckFor(Topic, Batches.Encode(15, 1200, Batches.Now - 3600, epoch: 77));
        Assert.NotNull(ack);
        Assert.Equal($"nodes/{Batches.DeviceId}/telemetry/ack", ack.Topic);
        Assert.True(TelemetryAck.TryDecode(ack.Payload, out var e, out var s, out var n, out var error), error);
        Assert.Equal((77u, 1200u, 15), (e, s, n));
    }

    [Fact]
    public void A_batch_the_validator_quarantines_is_acknowledged_too_so_the_device_does_not_send_it_forever()
    {
        var readings = Batches.Readings(3, 10, Batches.Now - 600);
        readings[1].Sample.CentiCelsius = 50_000; // 500 °C: out of range, the whole batch goes to quarantine
        var batch = new WriteBatch();
        var addTo = _classifier.Classify(Topic, Batches.Encode(readings), DateTimeOffset.UtcNow, out var ack);
        addTo(batch);
        Assert.Single(batch.Quarantine);
        Assert.NotNull(ack);
    }

    [Fact]
    public void No_acknowledgement_without_a_key_to_acknowledge_or_for_another_devices_batch()
    {
        Assert.Null(AckFor(Topic, [0xA1, 0x61]));                                                    // undecodable
        Assert.Null(AckFor(Topic, Batches.Encode(3, 1, Batches.Now - 600, deviceId: "esp32-0000000000ff"))); // names another device
        Assert.Null(AckFor($"nodes/{Batches.DeviceId}/status", [0xA2, 0x61, 0x76, 0x01, 0x65, 0x73, 0x74, 0x61, 0x74, 0x65, 0x66, 0x6F, 0x6E, 0x6C, 0x69, 0x6E, 0x65]));
    }

    [Fact]
    public void A_version_2_batch_is_acknowledged_to_the_device_of_its_topic_and_stored_as_that_devices()
    {
        const string other = "esp32-0000000000bb";
        var batch = new WriteBatch();
        var addTo = _classifier.Classify($"nodes/{other}/telemetry", Batches.EncodePacked(Batches.Readings(5, 300, Batches.Now - 600), epoch: 9),
            DateTimeOffset.UtcNow, out var ack);
        addTo(batch);
        Assert.Equal($"nodes/{other}/telemetry/ack", ack!.Topic);
        var telemetry = Assert.Single(batch.Telemetry);
        Assert.Equal(other, telemetry.DeviceId);
        Assert.All(telemetry.Records, r => Assert.Equal(other, r.Key.DeviceId));
        Assert.Empty(batch.Quarantine);
    }

    [Fact]
    public void Without_a_broker_connection_the_acknowledgement_is_skipped_and_counted_not_thrown()
    {
        var metrics = new ReceiverMetrics();
        var sender = new TelemetryAckSender(metrics, NullLogger<TelemetryAckSender>.Instance);
        var task = sender.SendAsync(TelemetryAckMessage.For(Batches.DeviceId, 1, 1, 1)!, CancellationToken.None);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal((0L, 1L), (metrics.TelemetryAcksSent, metrics.TelemetryAcksFailed));
    }

    [Theory]
    [InlineData(-1, 1, 1)]
    [InlineData(1L + uint.MaxValue, 1, 1)]
    [InlineData(1, -1, 1)]
    [InlineData(1, 1, 0)]
    [InlineData(1, 1, 513)]
    public void Numbers_the_device_cannot_hold_get_no_acknowledgement(long epoch, long first, int count) =>
        Assert.Null(TelemetryAckMessage.For(Batches.DeviceId, epoch, first, count));
}

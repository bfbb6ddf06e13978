using NodeFirmware.Bench.Ingest;
using NodeFirmware.Bench.Tests.Support;
using NodeFirmware.Core.Telemetry;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Validation;
using Xunit.Abstractions;

namespace NodeFirmware.Bench.Tests.Ingest;

/// <summary>
/// `bench ingest` publishes what devices send and says whether the readings stored are the readings sent. A small run
/// through the real Mosquitto and receiver, for each batch version, and the completeness check against a store that
/// lost or changed readings. No timing is asserted.
/// </summary>
public class IngestBenchTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void A_small_run_through_the_broker_stores_every_reading_as_sent(int version)
    {
        string stdout = BenchProcess.Run("ingest", "--stores", "broker", "--readings", "3000", "--devices", "10", "--batch-version", version.ToString());
        output.WriteLine(stdout);

        string line = Assert.Single(stdout.Split('\n'), l => l.StartsWith("RESULT ingest path=broker store=sqlite ", StringComparison.Ordinal));
        Assert.Contains($" readings=3000 ", line);
        Assert.Contains($" batch_version={version} ", line);
        Assert.EndsWith(" complete=1 missing=0 altered=0", line.TrimEnd());
        // Both versions' decode costs, whichever the run published.
        Assert.Contains("RESULT ingest decode+validate batch_version=1 readings=3000 ", stdout);
        Assert.Contains("RESULT ingest decode+validate batch_version=2 readings=3000 ", stdout);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_messages_are_of_the_version_asked_for_and_decode_to_the_readings_generated(int version)
    {
        var messages = BenchMessages.Create(300, 15, 4, version);

        Assert.Equal(20, messages.Count);
        foreach (var m in messages)
        {
            var batch = TelemetryBatchDecoder.Decode(m.Payload, m.Device);
            Assert.Equal(version, batch.Version);
            Assert.Equal(m.Sent.Select(r => (long)r.UnixTime), batch.Readings.Select(r => r.DeviceTime));
        }
    }

    [Fact]
    public void Version_two_packs_the_wandering_readings_at_a_third_of_version_one()
    {
        double v1 = BenchMessages.Create(3000, 15, 10, 1).Average(m => m.Payload.Length);
        double v2 = BenchMessages.Create(3000, 15, 10, 2).Average(m => m.Payload.Length);

        // Indoor drift packs in a few bits a channel; random values over wide ranges would not.
        Assert.True(v2 < v1 / 2.5, $"version 2 batches average {v2:F1} bytes, version 1 {v1:F1}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task The_check_passes_a_store_that_holds_every_reading_sent(int version)
    {
        using var dir = new TempDirectory();
        var messages = BenchMessages.Create(600, 15, 4, version);
        await using var store = await StoreWith(dir, messages.Select(m => (m.Device, m.Payload)));

        var verdict = await StoredReadingsCheck.VerifyAsync(store, messages);

        Assert.Equal(new StoredReadingsVerdict(0, 0), verdict);
        Assert.True(verdict.Complete);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task The_check_counts_a_lost_batch_as_missing_and_a_changed_value_as_altered(int version)
    {
        using var dir = new TempDirectory();
        var messages = BenchMessages.Create(600, 15, 4, version);
        var changed = messages[5].Sent.Select(Copy).ToArray();
        changed[3].Sample.Pascal += 1;
        var written = messages.Where(m => m.Index is not 2 and not 5).Select(m => (m.Device, m.Payload))
            .Append((messages[5].Device, BenchMessages.Encode(version, messages[5].Device, changed)));
        await using var store = await StoreWith(dir, written);

        var verdict = await StoredReadingsCheck.VerifyAsync(store, messages);

        Assert.Equal(new StoredReadingsVerdict(Missing: messages[2].Readings + 1, Altered: 1), verdict);
        Assert.False(verdict.Complete);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("0")]
    [InlineData("v2")]
    public void Only_batch_versions_one_and_two_are_taken(string value) =>
        Assert.Null(IngestBenchmarkOptions.Parse(["--batch-version", value]));

    [Fact]
    public void The_devices_publish_version_two_unless_told_otherwise()
    {
        Assert.Equal(2, IngestBenchmarkOptions.Parse([])!.BatchVersion);
        Assert.Equal(1, IngestBenchmarkOptions.Parse(["--batch-version", "1"])!.BatchVersion);
    }

    private static Reading Copy(Reading r) =>
        new() { Sequence = r.Sequence, UnixTime = r.UnixTime, Fault = r.Fault, Sample = r.Sample, BatteryMillivolts = r.BatteryMillivolts };

    /// <summary>A SQLite store holding the batches as the receiver stores them: decoded, validated, written.</summary>
    private static async Task<ITelemetryStore> StoreWith(TempDirectory dir, IEnumerable<(string Device, byte[] Payload)> batches)
    {
        var store = new SqliteTelemetryStore(Path.Combine(dir.Path, "check.db"), "NORMAL");
        await store.MigrateAsync();
        var validator = new TelemetryValidator();
        var now = DateTimeOffset.UtcNow;
        var write = new WriteBatch();
        foreach (var (device, payload) in batches)
        {
            var v = validator.Validate(TelemetryBatchDecoder.Decode(payload, device), device, now);
            write.Telemetry.Add(new ReceivedTelemetry(v.DeviceId, v.Records, v.LastBatteryMillivolts, now));
        }
        await store.WriteAsync(write);
        return store;
    }
}

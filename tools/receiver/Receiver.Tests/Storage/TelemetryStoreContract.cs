using System.Data.Common;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Storage;

/// <summary>What every <see cref="ITelemetryStore"/> must do; run against SQLite and PostgreSQL.</summary>
public abstract class TelemetryStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
    private const string Dev = "esp32-a1b2c3d4e5f6";
    private const string Other = "esp32-0000000000aa";

    protected ITelemetryStore Store { get; private set; } = null!;

    /// <summary>A new, empty store (not migrated). <paramref name="reuse"/>: open the same database as before.</summary>
    protected abstract Task<ITelemetryStore> OpenStoreAsync(bool reuse);

    /// <summary>A store on a new database written with schema 1 (<see cref="SchemaOneDatabase"/>), not migrated.</summary>
    protected abstract Task<ITelemetryStore> OpenSchemaOneStoreAsync();

    /// <summary>A connection of its own to the database <see cref="Store"/> uses.</summary>
    protected abstract Task<DbConnection> OpenDatabaseAsync();

    public async Task InitializeAsync()
    {
        Store = await OpenStoreAsync(reuse: false);
        await Store.MigrateAsync();
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    [Fact]
    public async Task Duplicates_are_ignored_and_counted()
    {
        long t = T0.ToUnixTimeSeconds();
        var first = await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 100, 10, t, T0)));
        Assert.Equal(new WriteResult(10, 0, 0, 0), first);

        var again = await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 100, 10, t, T0.AddSeconds(5))));
        Assert.Equal(0, again.Inserted);
        Assert.Equal(10, again.Duplicates);

        var overlapping = await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 105, 10, t + 300, T0.AddSeconds(9))));
        Assert.Equal(5, overlapping.Inserted);
        Assert.Equal(5, overlapping.Duplicates);

        // Same sequence in a new boot epoch is a different reading.
        var newEpoch = await Store.WriteAsync(Records.Batch(Records.Message(Dev, 2, 100, 3, t + 2000, T0.AddSeconds(20))));
        Assert.Equal(3, newEpoch.Inserted);

        Assert.Equal(18, await Store.CountReadingsAsync(Dev));
        var counts = await Store.GetCountsAsync();
        Assert.Equal(18, counts.Readings);
        Assert.Equal(15, counts.DuplicatesIgnored);
        var readings = await Store.QueryReadingsAsync(Dev, 0, long.MaxValue, 1000);
        Assert.Equal(18, readings.Select(r => r.Key).Distinct().Count());
        Assert.All(readings, r => Assert.Equal(4, r.Values.Count)); // values were not stored twice either
    }

    [Fact]
    public async Task A_message_redelivered_within_one_batch_is_stored_once()
    {
        long t = T0.ToUnixTimeSeconds();
        var message = Records.Message(Dev, 1, 1, 4, t, T0);
        var result = await Store.WriteAsync(Records.Batch(message, message, Records.Message(Other, 1, 1, 2, t, T0)));
        Assert.Equal(6, result.Inserted);
        Assert.Equal(4, result.Duplicates);
        Assert.Equal(4, await Store.CountReadingsAsync(Dev));
        Assert.Equal(2, await Store.CountReadingsAsync(Other));
    }

    [Fact]
    public async Task Range_queries_are_half_open_ordered_and_limited()
    {
        long t = T0.ToUnixTimeSeconds();
        await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 0, 10, t, T0), Records.Message(Other, 1, 0, 10, t, T0)));
        var middle = await Store.QueryReadingsAsync(Dev, t + 60, t + 240, 100);
        Assert.Equal([1L, 2, 3], middle.Select(r => r.Key.Sequence));
        Assert.All(middle, r => Assert.Equal(Dev, r.Key.DeviceId));
        var temperature = middle[1].Values.Single(v => v.Channel == "temperature");
        Assert.Equal(20.2, temperature.Value, 10);
        Assert.Equal("Cel", temperature.Unit);
        Assert.Equal([0L, 1], (await Store.QueryReadingsAsync(Dev, t, t + 10_000, 2)).Select(r => r.Key.Sequence));
        Assert.Empty(await Store.QueryReadingsAsync(Dev, t + 10_000, t + 20_000, 100));
    }

    [Fact]
    public async Task Buckets_hold_average_minimum_maximum_and_count_per_channel()
    {
        // Bucket width 600 s; buckets start at multiples of 600. Readings at +0, +100, +500 | +600, +1100 | +1300.
        long t = T0.ToUnixTimeSeconds() / 600 * 600;
        double[] temps = [10, 20, 60, -5, 5, 7];
        long[] offsets = [0, 100, 500, 600, 1100, 1300];
        var records = offsets.Select((o, k) => Records.Reading(Dev, 1, k, t + o, temps[k], humidity: 40 + k)).ToList();
        await Store.WriteAsync(Records.Batch(new ReceivedTelemetry(Dev, records, null, T0)));

        var buckets = await Store.QueryBucketsAsync(Dev, t, t + 1800, 600);
        var temp = buckets.Where(b => b.Channel == "temperature").ToList();
        Assert.Equal([t, t + 600, t + 1200], temp.Select(b => b.Start));
        Assert.Equal([3L, 2, 1], temp.Select(b => b.Count));
        Assert.Equal(30, temp[0].Average, 9);
        Assert.Equal(10, temp[0].Min);
        Assert.Equal(60, temp[0].Max);
        Assert.Equal(0, temp[1].Average, 9);
        Assert.Equal(-5, temp[1].Min);
        Assert.Equal(5, temp[1].Max);
        Assert.Equal(7, temp[2].Average, 9);
        Assert.Equal("Cel", temp[0].Unit);

        var humidity = buckets.Where(b => b.Channel == "humidity").ToList();
        Assert.Equal(41, humidity[0].Average, 9); // 40, 41, 42
        Assert.Equal(["battery", "humidity", "pressure", "temperature"], buckets.Select(b => b.Channel).Distinct().Order());

        // The range is half-open and applies before bucketing.
        var partial = await Store.QueryBucketsAsync(Dev, t + 100, t + 600, 600);
        var first = partial.Single(b => b.Channel == "temperature");
        Assert.Equal(2, first.Count);
        Assert.Equal(40, first.Average, 9);
    }

    [Fact]
    public async Task Quarantine_retention_removes_by_age_then_keeps_the_newest_within_the_entry_and_byte_limits()
    {
        var batch = new WriteBatch();
        for (int i = 0; i < 10; i++)
            batch.Quarantine.Add(new QuarantineEntry(0, T0.AddMinutes(i), "nodes/x/telemetry", "malformed-cbor", "bad", new byte[100]));
        await Store.WriteAsync(batch);

        var pruned = await Store.PruneQuarantineAsync(T0.AddMinutes(2), maxEntries: 100, maxBytes: 1_000_000);
        Assert.Equal(new QuarantinePruned(2, 0), pruned);
        pruned = await Store.PruneQuarantineAsync(T0, maxEntries: 6, maxBytes: 1_000_000);
        Assert.Equal(new QuarantinePruned(0, 2), pruned);
        pruned = await Store.PruneQuarantineAsync(T0, maxEntries: 100, maxBytes: 450);
        Assert.Equal(new QuarantinePruned(0, 2), pruned);
        var kept = await Store.ListQuarantineAsync(100);
        Assert.Equal([T0.AddMinutes(9), T0.AddMinutes(8), T0.AddMinutes(7), T0.AddMinutes(6)], kept.Select(q => q.ReceivedAt));
        Assert.Equal(new QuarantinePruned(0, 0), await Store.PruneQuarantineAsync(T0, 100, 450));
    }

    [Fact]
    public async Task Quarantine_keeps_the_raw_bytes_and_the_reason()
    {
        var payload = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var batch = new WriteBatch();
        batch.Quarantine.Add(new QuarantineEntry(0, T0, "nodes/x/telemetry", "malformed-cbor", "bad", payload));
        batch.Quarantine.Add(new QuarantineEntry(0, T0.AddSeconds(1), "nodes/y/telemetry", "out-of-range", "too hot", [0xA0]));
        batch.Quarantine.Add(new QuarantineEntry(0, T0.AddSeconds(2), "nodes/y/telemetry", "out-of-range", "too cold", []));
        var result = await Store.WriteAsync(batch);
        Assert.Equal(3, result.Quarantined);

        var entries = await Store.ListQuarantineAsync(10);
        Assert.Equal(3, entries.Count);
        var first = entries.Single(e => e.Reason == "malformed-cbor");
        Assert.Equal(payload, first.Payload);
        Assert.Equal("nodes/x/telemetry", first.Topic);
        Assert.Equal(T0, first.ReceivedAt);
        Assert.Equal("too cold", entries[0].Message); // newest first
        Assert.Empty(entries[0].Payload);
        var counts = await Store.GetCountsAsync();
        Assert.Equal(1, counts.QuarantinedByReason["malformed-cbor"]);
        Assert.Equal(2, counts.QuarantinedByReason["out-of-range"]);
        Assert.Equal(0, counts.Readings);
    }

    [Fact]
    public async Task Registration_revocation_and_reprovisioning()
    {
        await Store.RegisterDeviceAsync(new DeviceRegistration(Dev, "0A1B", ["site:lab", "floor:2"], "esp32-devkitc"), T0);
        var d = await Store.GetDeviceAsync(Dev);
        Assert.NotNull(d);
        Assert.True(d.IsRegistered);
        Assert.False(d.IsRevoked);
        Assert.Equal(["site:lab", "floor:2"], d.Tags);
        Assert.Equal("esp32-devkitc", d.Board);
        Assert.Equal(T0, d.RegisteredAt);

        Assert.True(await Store.RevokeDeviceAsync(Dev, T0.AddHours(1)));
        Assert.Equal(T0.AddHours(1), (await Store.GetDeviceAsync(Dev))!.RevokedAt);
        Assert.False(await Store.RevokeDeviceAsync("esp32-ffffffffffff", T0));

        await Store.RegisterDeviceAsync(new DeviceRegistration(Dev, "0A1B", [], "esp32-devkitc"), T0.AddHours(2));
        Assert.True((await Store.GetDeviceAsync(Dev))!.IsRevoked); // same certificate: still revoked
        await Store.RegisterDeviceAsync(new DeviceRegistration(Dev, "0C0D", [], "esp32-devkitc"), T0.AddHours(3));
        var reprovisioned = (await Store.GetDeviceAsync(Dev))!;
        Assert.False(reprovisioned.IsRevoked);
        Assert.Equal("0C0D", reprovisioned.CertSerial);
        Assert.Equal(T0, reprovisioned.RegisteredAt);
        Assert.Null(await Store.GetDeviceAsync("esp32-ffffffffffff"));
    }

    [Fact]
    public async Task Devices_are_listed_a_page_at_a_time_each_once_in_id_order()
    {
        var ids = Enumerable.Range(0, 23).Select(i => $"esp32-{(i * 7919 % 23):x12}").ToList();
        foreach (var id in ids) await Store.RegisterDeviceAsync(new DeviceRegistration(id, null, [], null), T0);
        var sorted = ids.Order(StringComparer.Ordinal).ToList();

        var listed = new List<string>();
        var sizes = new List<int>();
        string? after = null;
        while (true)
        {
            var page = await Store.ListDevicesPageAsync(after, 5);
            if (page.Count == 0) break;
            sizes.Add(page.Count);
            listed.AddRange(page.Select(d => d.Id));
            after = page[^1].Id;
        }

        Assert.Equal(sorted, listed);
        Assert.Equal([5, 5, 5, 5, 3], sizes);
        Assert.Equal(sorted.Select(d => d), (await Store.ListDevicesAsync()).Select(d => d.Id));
        // A marker need not be a device's id: the page starts at the next id after it.
        Assert.Equal(sorted.Where(d => string.CompareOrdinal(d, "esp32-00000000000a") > 0).Take(2),
            (await Store.ListDevicesPageAsync("esp32-00000000000a", 2)).Select(d => d.Id));
        Assert.Empty(await Store.ListDevicesPageAsync(sorted[^1], 5));
        Assert.Equal(sorted[0], (await Store.ListDevicesPageAsync(null, 1)).Single().Id);
    }

    [Fact]
    public async Task Telemetry_and_status_move_a_device_forward_never_back()
    {
        long t = T0.ToUnixTimeSeconds();
        await Store.RegisterDeviceAsync(new DeviceRegistration(Dev, null, [], null), T0);
        await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 0, 3, t, T0.AddMinutes(5), batteryMv: 3800)));
        await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 50, 1, t - 1000, T0.AddMinutes(1), batteryMv: 4100)));
        var d = (await Store.GetDeviceAsync(Dev))!;
        Assert.Equal(T0.AddMinutes(5), d.LastSeen);
        Assert.Equal(3800, d.BatteryMillivolts);
        Assert.Equal(t + 120, d.LastReadingTime);

        var status = new WriteBatch();
        status.Statuses.Add(Records.Status(Dev, "online", T0.AddMinutes(6), fw: "1.5.0"));
        await Store.WriteAsync(status);
        var stale = new WriteBatch();
        stale.Statuses.Add(Records.Status(Dev, "offline", T0.AddMinutes(2)));
        await Store.WriteAsync(stale);
        d = (await Store.GetDeviceAsync(Dev))!;
        Assert.Equal("online", d.State);
        Assert.Equal("1.5.0", d.Firmware);
        Assert.Equal(T0.AddMinutes(6), d.LastSeen);

        // A device that was never registered but sent data (its certificate was valid) is listed, unregistered.
        await Store.WriteAsync(Records.Batch(Records.Message(Other, 1, 0, 1, t, T0)));
        var other = (await Store.ListDevicesAsync()).Single(x => x.Id == Other);
        Assert.False(other.IsRegistered);
        Assert.Equal(2, (await Store.ListDevicesAsync()).Count);
    }

    [Fact]
    public async Task Vitals_are_stored_per_status_and_read_back_by_device_and_window()
    {
        var vitals = new DeviceVitals(Boots: 3, Watchdogs: 1, UptimeSeconds: 7200, Reconnects: 2, HeapLowWaterBytes: 81_920,
            WakeToPublish: new WakeToPublish(2410, 1750, null, null, 120, 540));
        var batch = new WriteBatch();
        batch.Statuses.Add(new StatusUpdate(Dev, new DeviceStatus("sleeping", Firmware: "1.5.0", BatteryMillivolts: 3900, Pending: 0, Vitals: vitals), T0));
        batch.Statuses.Add(new StatusUpdate(Dev, new DeviceStatus("online", Firmware: "1.5.0", BatteryMillivolts: 3890, Pending: 37, Vitals: new DeviceVitals()), T0.AddHours(1)));
        batch.Statuses.Add(new StatusUpdate(Dev, new DeviceStatus("offline"), T0.AddHours(2))); // the last will carries no vitals
        batch.Statuses.Add(new StatusUpdate(Other, new DeviceStatus("online", Firmware: "1.4.0", Vitals: new DeviceVitals(Panics: 1)), T0.AddHours(1)));
        await Store.WriteAsync(batch);
        await Store.WriteAsync(batch); // redelivered: the same receive times are stored once

        var mine = await Store.QueryVitalsAsync(Dev, T0.ToUnixTimeMilliseconds(), T0.AddDays(1).ToUnixTimeMilliseconds(), 100);
        Assert.Equal(2, mine.Count);
        Assert.Equal(new NodeFirmware.Receiver.Vitals.VitalsSample(Dev, T0.ToUnixTimeMilliseconds(), "1.5.0", "sleeping", 3900, 3, 0, 1, 0, 7200, 2, 81_920,
            new WakeToPublish(2410, 1750, null, null, 120, 540), Pending: 0), mine[0]);
        Assert.Equal((1L, (long?)null, (long?)null, (WakeToPublish?)null, (long?)37), (mine[1].Boots, mine[1].UptimeSeconds, mine[1].Reconnects, mine[1].WakeToPublish, mine[1].Pending));

        var all = await Store.QueryVitalsAsync(null, T0.AddMinutes(30).ToUnixTimeMilliseconds(), T0.AddHours(1).ToUnixTimeMilliseconds() + 1, 100);
        Assert.Equal([(Other, "1.4.0"), (Dev, "1.5.0")], all.Select(s => (s.DeviceId, s.Firmware)));
        Assert.Single(await Store.QueryVitalsAsync(null, 0, long.MaxValue, 1));
    }

    private static StatusUpdate Sent(string state, int battery, DateTimeOffset at, bool retained = false, bool redelivered = false, int packetId = 0) =>
        new(Dev, new DeviceStatus(state, Firmware: "1.5.0", BatteryMillivolts: battery, Vitals: new DeviceVitals(Boots: 2)), at,
            new StatusDelivery(StatusDelivery.HashOf(System.Text.Encoding.UTF8.GetBytes($"{state} {battery}")), retained, redelivered, packetId));

    private async Task WriteStatusesAsync(params StatusUpdate[] statuses)
    {
        var batch = new WriteBatch();
        batch.Statuses.AddRange(statuses);
        await Store.WriteAsync(batch);
    }

    [Fact]
    public async Task A_status_delivered_again_is_stored_once_and_a_status_the_device_sent_again_is_kept()
    {
        await WriteStatusesAsync(Sent("online", 3900, T0, packetId: 10), Sent("sleeping", 3900, T0.AddSeconds(1), packetId: 11));
        // Redelivered (DUP) under the packet id it was stored with; the retained copy of the latest, sent on subscribing.
        await WriteStatusesAsync(Sent("online", 3900, T0.AddMinutes(1), redelivered: true, packetId: 10),
            Sent("sleeping", 3900, T0.AddMinutes(1).AddSeconds(1), retained: true, packetId: 1));
        Assert.Equal(2, (await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 100)).Count);

        // The same bytes again, but a status of its own: sent live; redelivered under a packet id no sample has (its first
        // delivery was never committed); retained while the latest sample is another status (the device sent it after that one).
        await WriteStatusesAsync(Sent("online", 3900, T0.AddHours(1), packetId: 12));
        await WriteStatusesAsync(Sent("sleeping", 3900, T0.AddHours(2), redelivered: true, packetId: 13));
        await WriteStatusesAsync(Sent("online", 3900, T0.AddHours(3), retained: true, packetId: 2));
        // In one commit: the second is a copy of the first, redelivered before the first was acknowledged.
        await WriteStatusesAsync(Sent("online", 3800, T0.AddHours(4), packetId: 14), Sent("online", 3800, T0.AddHours(4).AddSeconds(1), redelivered: true, packetId: 14));

        var rows = await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 100);
        Assert.Equal([T0, T0.AddSeconds(1), T0.AddHours(1), T0.AddHours(2), T0.AddHours(3), T0.AddHours(4)],
            rows.Select(r => DateTimeOffset.FromUnixTimeMilliseconds(r.ReceivedAtMs)));
        Assert.Equal(["online", "sleeping", "online", "sleeping", "online", "online"], rows.Select(r => r.State));
    }

    [Fact]
    public async Task Statuses_two_receivers_stamped_with_one_millisecond_are_both_kept_and_one_written_again_is_not()
    {
        // Receivers sharing a store stamp their messages independently: another status of the device in the same ms.
        await WriteStatusesAsync(Sent("online", 3900, T0, packetId: 10), Sent("online", 3900, T0.AddMilliseconds(1), packetId: 11));
        await WriteStatusesAsync(Sent("sleeping", 3890, T0, packetId: 7));
        await WriteStatusesAsync(Sent("sleeping", 3890, T0, packetId: 7)); // the same status at the same time: written again

        var rows = await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 100);
        Assert.Equal([(0L, "online", 3900), (1L, "online", 3900), (2L, "sleeping", 3890)],
            rows.Select(r => (r.ReceivedAtMs - T0.ToUnixTimeMilliseconds(), r.State, r.BatteryMillivolts ?? 0)));
    }

    [Fact]
    public async Task Commands_and_ota_outcomes_are_counted()
    {
        await Store.RecordCommandSentAsync("c1", Dev, T0);
        await Store.RecordCommandSentAsync("c2", Dev, T0);
        await Store.RecordCommandSentAsync("c3", Dev, T0);
        Assert.True(await Store.RecordCommandAckAsync("c1", true, T0.AddSeconds(1)));
        Assert.True(await Store.RecordCommandAckAsync("c2", false, T0.AddSeconds(1)));
        Assert.False(await Store.RecordCommandAckAsync("c1", true, T0.AddSeconds(2))); // acked once
        Assert.False(await Store.RecordCommandAckAsync("nope", true, T0));
        await Store.RecordOtaOutcomeAsync("2025-11", Dev, true, T0);
        await Store.RecordOtaOutcomeAsync("2025-11", Other, false, T0);
        await Store.RecordOtaOutcomeAsync("2025-11", Other, true, T0.AddHours(1)); // retried, now succeeded
        var c = await Store.GetCountsAsync();
        Assert.Equal((3L, 2L, 1L), (c.CommandsSent, c.CommandsAcked, c.CommandsSucceeded));
        Assert.Equal((2L, 2L), (c.OtaFinished, c.OtaSucceeded));
    }

    [Fact]
    public async Task Migrating_again_and_reopening_keeps_the_data()
    {
        long t = T0.ToUnixTimeSeconds();
        await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 0, 5, t, T0)));
        await Store.MigrateAsync();
        await Store.DisposeAsync();
        Store = await OpenStoreAsync(reuse: true);
        await Store.MigrateAsync();
        Assert.Equal(5, await Store.CountReadingsAsync());
        Assert.Equal(5, (await Store.GetCountsAsync()).Readings);
        var again = await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 0, 5, t, T0)));
        Assert.Equal(5, again.Duplicates);
    }

    [Fact]
    public async Task An_earlier_receivers_vitals_keep_their_counts_and_their_zero_reconnects_read_unknown()
    {
        // Its table (a frozen copy of that DDL) stored a status without rc as 0 reconnects, and no device sent rc 0 then.
        long ms = T0.ToUnixTimeMilliseconds();
        await using (var db = await OpenDatabaseAsync())
        {
            await using var cmd = db.CreateCommand();
            cmd.CommandText = """
                DROP TABLE device_vitals;
                CREATE TABLE device_vitals (
                    device_id TEXT NOT NULL, received_at BIGINT NOT NULL, firmware TEXT NOT NULL, state TEXT NOT NULL, battery_mv INTEGER,
                    boots BIGINT NOT NULL, brownouts BIGINT NOT NULL, watchdogs BIGINT NOT NULL, panics BIGINT NOT NULL, uptime_s BIGINT,
                    reconnects BIGINT NOT NULL, heap_low BIGINT,
                    w2p_total INTEGER, w2p_wifi INTEGER, w2p_dhcp INTEGER, w2p_tls INTEGER, w2p_mqtt INTEGER, w2p_publish INTEGER,
                    PRIMARY KEY (device_id, received_at));
                CREATE INDEX device_vitals_by_firmware ON device_vitals (firmware, received_at);
                """ +
                $"INSERT INTO device_vitals (device_id, received_at, firmware, state, boots, brownouts, watchdogs, panics, uptime_s, reconnects, heap_low) " +
                $"VALUES ('{Dev}', {ms}, '1.5.0', 'sleeping', 2, 0, 1, 0, 3600, 3, 81920), ('{Dev}', {ms + 900_000}, '1.5.0', 'sleeping', 2, 0, 1, 0, NULL, 0, NULL)";
            await cmd.ExecuteNonQueryAsync();
        }
        await Store.MigrateAsync();
        var rows = await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 10);
        Assert.Equal([3L, null], rows.Select(r => r.Reconnects));
        Assert.All(rows, r => Assert.Null(r.Pending)); // that table had no backlog column: not known
        Assert.Equal((2L, 1L, 3600L, 81_920L), (rows[0].Boots, rows[0].Watchdogs, rows[0].UptimeSeconds!.Value, rows[0].HeapLowWaterBytes!.Value));

        // A status that says 0 now is stored as 0, and the next start leaves it 0.
        var batch = new WriteBatch();
        batch.Statuses.Add(new StatusUpdate(Dev, new DeviceStatus("sleeping", Firmware: "1.6.0", Vitals: new DeviceVitals(Reconnects: 0)), T0.AddHours(1)));
        await Store.WriteAsync(batch);
        await Store.MigrateAsync();
        Assert.Equal([3L, null, 0L], (await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 10)).Select(r => r.Reconnects));
    }

    [Fact]
    public async Task A_vitals_table_without_the_backlog_gains_it_once_and_its_rows_read_unknown()
    {
        // The table of the receiver before the backlog was stored (reconnects already nullable), with one sample.
        await UseEarlierVitalsTableAsync("", "device_id, received_at, firmware, state, boots, brownouts, watchdogs, panics, reconnects",
            $"'{Dev}', {T0.ToUnixTimeMilliseconds()}, '1.5.0', 'sleeping', 2, 0, 0, 0, 0");
        await Store.MigrateAsync();
        var old = Assert.Single(await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 10));
        Assert.Equal((2L, (long?)0, (long?)null), (old.Boots, old.Reconnects, old.Pending)); // its reconnects stay: the column was nullable

        // New statuses store their backlog, an absent one as the 0 it means; starting again changes nothing.
        var batch = new WriteBatch();
        batch.Statuses.Add(new StatusUpdate(Dev, new DeviceStatus("online", Firmware: "1.5.0", Pending: 412, Vitals: new DeviceVitals(Boots: 3)), T0.AddHours(1)));
        batch.Statuses.Add(new StatusUpdate(Dev, new DeviceStatus("sleeping", Firmware: "1.5.0", Vitals: new DeviceVitals(Boots: 3)), T0.AddHours(2)));
        await Store.WriteAsync(batch);
        await Store.MigrateAsync();
        Assert.Equal([null, 412L, 0L], (await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 10)).Select(r => r.Pending));
    }

    /// <summary>
    /// Puts an earlier receiver's device_vitals in place of the current one: a frozen copy of its DDL (reconnects nullable),
    /// with <paramref name="laterColumns"/> after the wake-to-publish phases, holding one row.
    /// </summary>
    private async Task UseEarlierVitalsTableAsync(string laterColumns, string columns, string values)
    {
        await using var db = await OpenDatabaseAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = $"""
            DROP TABLE device_vitals;
            CREATE TABLE device_vitals (
                device_id TEXT NOT NULL, received_at BIGINT NOT NULL, firmware TEXT NOT NULL, state TEXT NOT NULL, battery_mv INTEGER,
                boots BIGINT NOT NULL, brownouts BIGINT NOT NULL, watchdogs BIGINT NOT NULL, panics BIGINT NOT NULL, uptime_s BIGINT,
                reconnects BIGINT, heap_low BIGINT,
                w2p_total INTEGER, w2p_wifi INTEGER, w2p_dhcp INTEGER, w2p_tls INTEGER, w2p_mqtt INTEGER, w2p_publish INTEGER,
                {laterColumns}
                PRIMARY KEY (device_id, received_at));
            CREATE INDEX device_vitals_by_firmware ON device_vitals (firmware, received_at);
            INSERT INTO device_vitals ({columns}) VALUES ({values});
            """;
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_vitals_table_without_the_delivery_columns_gains_them_once_and_then_drops_copies()
    {
        // The table of the receiver before deliveries were kept (with the backlog), with one sample.
        await UseEarlierVitalsTableAsync("pending BIGINT,", "device_id, received_at, firmware, state, battery_mv, boots, brownouts, watchdogs, panics, pending",
            $"'{Dev}', {T0.ToUnixTimeMilliseconds()}, '1.5.0', 'online', 3900, 2, 0, 0, 0, 4");
        await Store.MigrateAsync();
        var old = Assert.Single(await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 10));
        Assert.Equal(("online", 3900, 4L), (old.State, old.BatteryMillivolts!.Value, old.Pending!.Value));

        // Its sample's delivery is not known: the retained copy of it is stored once more, and from then on copies are dropped.
        await WriteStatusesAsync(Sent("online", 3900, T0.AddMinutes(1), retained: true, packetId: 1));
        await Store.MigrateAsync();
        await WriteStatusesAsync(Sent("online", 3900, T0.AddMinutes(2), retained: true, packetId: 1),
            Sent("online", 3900, T0.AddMinutes(3), redelivered: true, packetId: 1));
        Assert.Equal([T0, T0.AddMinutes(1)], (await Store.QueryVitalsAsync(Dev, 0, long.MaxValue, 10)).Select(r => DateTimeOffset.FromUnixTimeMilliseconds(r.ReceivedAtMs)));
    }

    [Fact]
    public async Task A_cohorts_vitals_are_read_in_one_query_each_device_from_its_own_start()
    {
        const string third = "esp32-0000000000bb";
        var batch = new WriteBatch();
        foreach (var id in new[] { Dev, Other, third })
            for (int h = 0; h < 4; h++)
                batch.Statuses.Add(new StatusUpdate(id, new DeviceStatus("sleeping", Firmware: "2.0.0", BatteryMillivolts: 4000 - h, Pending: h,
                    Vitals: new DeviceVitals(Boots: 1 + h)), T0.AddHours(h)));
        await Store.WriteAsync(batch);
        long Ms(int hours) => T0.AddHours(hours).ToUnixTimeMilliseconds();

        // Dev from hour 2, Other from hour 1, up to hour 3 (excluded); the third device is not asked for. By device, then time.
        var rows = await Store.QueryCohortVitalsAsync([new(Dev, Ms(2)), new(Other, Ms(1))], Ms(3), 100);
        Assert.Equal([(Other, Ms(1), 1L), (Other, Ms(2), 2L), (Dev, Ms(2), 2L)], rows.Select(r => (r.DeviceId, r.ReceivedAtMs, r.Pending!.Value)));
        Assert.Equal((3999, 2L, "2.0.0"), (rows[0].BatteryMillivolts!.Value, rows[0].Boots, rows[0].Firmware));

        // The limit counts every device's samples together; an empty cohort and an unknown device read nothing.
        Assert.Equal(2, (await Store.QueryCohortVitalsAsync([new(Other, 0), new(Dev, 0), new(third, 0)], long.MaxValue, 2)).Count);
        Assert.Equal(12, (await Store.QueryCohortVitalsAsync([new(Other, 0), new(Dev, 0), new(third, 0)], long.MaxValue, 100)).Count);
        Assert.Empty(await Store.QueryCohortVitalsAsync([], long.MaxValue, 100));
        Assert.Empty(await Store.QueryCohortVitalsAsync([new("esp32-ffffffffffff", 0)], long.MaxValue, 100));

        // Ids are data, never SQL: a quote in one is matched literally.
        Assert.Empty(await Store.QueryCohortVitalsAsync([new("x' OR '1'='1", 0), new("\"}]", 0)], long.MaxValue, 100));
    }

    [Fact]
    public async Task Readings_written_with_schema_1_are_all_served_after_the_migration()
    {
        await using var store = await OpenSchemaOneStoreAsync();
        await store.MigrateAsync();
        const string dev = SchemaOneDatabase.Device;
        long t = SchemaOneDatabase.FirstTime;
        int n = SchemaOneDatabase.Readings;

        Assert.Equal(n, await store.CountReadingsAsync(dev));
        Assert.Empty(await store.QueryVitalsAsync(null, 0, long.MaxValue, 10)); // the vitals table was added beside the old data
        var counts = await store.GetCountsAsync();
        Assert.Equal((n, 4L), (counts.Readings, counts.DuplicatesIgnored));
        var readings = await store.QueryReadingsAsync(dev, 0, long.MaxValue, 1000);
        Assert.Equal(Enumerable.Range(0, n).Select(k => (long)k), readings.Select(r => r.Key.Sequence));
        foreach (var r in readings)
        {
            int k = (int)r.Key.Sequence;
            Assert.Equal(t + 60 * k, r.Time);
            Assert.Equal(t + 60 * k, r.DeviceTime);
            Assert.Equal(SchemaOneDatabase.Faulted(k) ? "sensor-timeout" : null, r.Fault);
            var expected = Enumerable.Range(0, 4).Where(c => !SchemaOneDatabase.Faulted(k) || c == 3)
                .Select(c => (SchemaOneDatabase.Channels[c], SchemaOneDatabase.Value(k, c))).OrderBy(v => v.Item1, StringComparer.Ordinal);
            Assert.Equal(expected, r.Values.Select(v => (v.Channel, v.Value)));
        }

        // Buckets of an hour: the same aggregates the EAV rows gave.
        var buckets = await store.QueryBucketsAsync(dev, t, t + 60 * n, 3600);
        var temperature = buckets.Where(b => b.Channel == "temperature").ToList();
        var battery = buckets.Where(b => b.Channel == "battery").ToList();
        Assert.Equal([t, t + 3600], temperature.Select(b => b.Start));
        int[] firstHour = Enumerable.Range(0, 60).Where(k => !SchemaOneDatabase.Faulted(k)).ToArray();
        Assert.Equal(firstHour.Length, temperature[0].Count);
        Assert.Equal(firstHour.Average(k => SchemaOneDatabase.Value(k, 0)), temperature[0].Average, 9);
        Assert.Equal(SchemaOneDatabase.Value(firstHour[^1], 0), temperature[0].Max, 9);
        Assert.Equal([60L, 60], battery.Select(b => b.Count));

        // The idempotency key still holds across the migration.
        var again = await store.WriteAsync(Records.Batch(Records.Message(dev, 1, n - 5, 10, t + 60 * (n - 5), T0)));
        Assert.Equal((5, 5), (again.Inserted, again.Duplicates));
        Assert.Equal(n + 5, await store.CountReadingsAsync(dev));

        // Rows of schema 2 and packed rows answer one query together, in time order, and in one set of buckets.
        var all = await store.QueryReadingsAsync(dev, t + 60 * (n - 3), long.MaxValue, 6);
        Assert.Equal([(long)n - 3, n - 2, n - 1, n, n + 1, n + 2], all.Select(r => r.Key.Sequence));
        var third = (await store.QueryBucketsAsync(dev, t, t + 60 * (n + 5), 3600)).Where(b => b.Channel == "temperature" && b.Start == t + 7200).Single();
        Assert.Equal(5, third.Count);
        Assert.Equal(20.7, third.Average, 9); // readings 5..9 of the message: 20.5 to 20.9
    }

    [Fact]
    public async Task Readings_are_packed_in_runs_and_a_redelivery_stores_only_the_keys_it_adds()
    {
        long t = T0.ToUnixTimeSeconds();
        // Longer than one row holds: three rows.
        var longRun = await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 0, 600, t, T0)));
        Assert.Equal(600, longRun.Inserted);
        // Across the rows' boundaries: nothing new.
        var across = await Store.WriteAsync(Records.Batch(Records.Message(Dev, 1, 250, 270, t + 60 * 250, T0)));
        Assert.Equal((0, 270), (across.Inserted, across.Duplicates));

        // Two stored pieces with a gap, then a message spanning both and the gap: only the gap is new.
        await Store.WriteAsync(Records.Batch(Records.Message(Other, 1, 0, 10, t, T0), Records.Message(Other, 1, 20, 10, t + 1200, T0)));
        var spanning = await Store.WriteAsync(Records.Batch(Records.Message(Other, 1, 5, 20, t + 300, T0)));
        Assert.Equal((10, 10), (spanning.Inserted, spanning.Duplicates));
        var other = await Store.QueryReadingsAsync(Other, 0, long.MaxValue, 1000);
        Assert.Equal(Enumerable.Range(0, 30).Select(k => (long)k), other.Select(r => r.Key.Sequence));
        Assert.Equal(20 + 7 * 0.1, other[12].Values.Single(v => v.Channel == "temperature").Value, 9); // reading 7 of the message from 5
        Assert.Equal(630, await Store.CountReadingsAsync());

        var dev = await Store.QueryReadingsAsync(Dev, t + 60 * 255, t + 60 * 258, 100);
        Assert.Equal([255L, 256, 257], dev.Select(r => r.Key.Sequence));
        Assert.Equal([20 + 255 * 0.1, 20 + 256 * 0.1, 20 + 257 * 0.1], dev.Select(r => r.Values.Single(v => v.Channel == "temperature").Value));
    }

    [Fact]
    public async Task A_run_whose_readings_differ_in_channels_keeps_each_readings_own_values()
    {
        long t = T0.ToUnixTimeSeconds();
        var records = new List<Model.TelemetryRecord>
        {
            Records.Reading(Dev, 1, 0, t, 20.5, battery: null),
            Records.Reading(Dev, 1, 1, t + 60, 20.6),
            Records.Reading(Dev, 1, 2, t + 30, 20.7, fault: "sensor-timeout"), // out of time order, faulted: battery only
            new(new Model.ReadingKey(Dev, 1, 3), t + 90, 0, Model.TimeSource.Unset, null, [new Model.ChannelValue("light", "lx", 512)]),
        };
        await Store.WriteAsync(Records.Batch(new ReceivedTelemetry(Dev, records, null, T0)));
        var stored = await Store.QueryReadingsAsync(Dev, 0, long.MaxValue, 100);
        Assert.Equal([0L, 2, 1, 3], stored.Select(r => r.Key.Sequence));
        Assert.Equal(["humidity", "pressure", "temperature"], stored[0].Values.Select(v => v.Channel));
        Assert.Equal([("battery", 3.9)], stored[1].Values.Select(v => (v.Channel, v.Value)));
        Assert.Equal("sensor-timeout", stored[1].Fault);
        Assert.Equal(4, stored[2].Values.Count);
        Assert.Equal((t + 90, 0L, Model.TimeSource.Unset), (stored[3].Time, stored[3].DeviceTime, stored[3].TimeSource));
        Assert.Equal([("light", "lx", 512.0)], stored[3].Values.Select(v => (v.Channel, v.Unit, v.Value)));
        Assert.Single(await Store.QueryReadingsAsync(Dev, t + 30, t + 31, 100));
    }
}

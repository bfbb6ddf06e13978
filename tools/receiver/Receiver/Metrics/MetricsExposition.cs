using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Metrics;

/// <summary>Renders /metrics: the process counters, plus gauges read from the store at scrape time.</summary>
public static class MetricsExposition
{
    public static async Task<string> RenderAsync(ReceiverMetrics m, ITelemetryStore store, TimeProvider clock, CancellationToken ct)
    {
        var devices = await store.ListDevicesAsync(ct);
        var w = new PrometheusTextWriter();

        w.Family("receiver_messages_received_total", "counter", "MQTT messages taken from the broker, by topic kind.");
        foreach (var kind in new[] { "telemetry", "status", "other" })
            w.Sample("receiver_messages_received_total", m.ReceivedByKind.GetValueOrDefault(kind), ("kind", kind));

        w.Family("receiver_readings_stored_total", "counter", "Readings inserted into the store.");
        w.Sample("receiver_readings_stored_total", m.ReadingsStored);
        w.Family("receiver_readings_duplicate_total", "counter", "Readings ignored because their (device, epoch, sequence) was already stored.");
        w.Sample("receiver_readings_duplicate_total", m.Duplicates);

        w.Family("receiver_messages_quarantined_total", "counter", "Payloads kept in quarantine instead of stored, by reason.");
        var byReason = m.QuarantinedByReason;
        foreach (var reason in RejectReasonCodes.All.Select(r => r.ToCode()).Concat(byReason.Keys).Distinct().Order(StringComparer.Ordinal))
            w.Sample("receiver_messages_quarantined_total", byReason.GetValueOrDefault(reason), ("reason", reason));

        w.Family("receiver_quarantine_dropped_total", "counter", "Quarantine entries not kept: over the rate limit (rate) or removed by retention (age, size).");
        var dropped = m.QuarantineDroppedByCause;
        foreach (var cause in new[] { "rate", "age", "size" })
            w.Sample("receiver_quarantine_dropped_total", dropped.GetValueOrDefault(cause), ("cause", cause));
        w.Family("receiver_quarantine_payload_bytes_cut_total", "counter", "Payload bytes not kept because a quarantined payload was longer than the cap.");
        w.Sample("receiver_quarantine_payload_bytes_cut_total", m.QuarantinePayloadBytesCut);

        w.Family("receiver_http_refused_total", "counter", "HTTP requests refused before reaching a route, by status (401, 403, 413, 421, 429).");
        var refused = m.HttpRefusedByStatus;
        foreach (var status in new[] { 401, 403, 413, 421, 429 }.Concat(refused.Keys).Distinct().Order())
            w.Sample("receiver_http_refused_total", refused.GetValueOrDefault(status), ("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        w.Family("receiver_telemetry_acks_total", "counter",
            "Acknowledgements of committed batches to their devices (telemetry/ack): sent (the broker took them) or failed (no connection, refused, timed out; the device sends the batch again).");
        w.Sample("receiver_telemetry_acks_total", m.TelemetryAcksSent, ("result", "sent"));
        w.Sample("receiver_telemetry_acks_total", m.TelemetryAcksFailed, ("result", "failed"));

        w.Family("receiver_store_errors_total", "counter", "Failed store commits (retried; the messages stay unacknowledged).");
        w.Sample("receiver_store_errors_total", m.StoreErrors);

        w.Family("receiver_devices_online", "gauge", "Devices whose last status is online.");
        w.Sample("receiver_devices_online", devices.Count(d => d.State == "online" && !d.IsRevoked));
        w.Family("receiver_devices_registered", "gauge", "Registered devices that are not revoked.");
        w.Sample("receiver_devices_registered", devices.Count(d => d.IsRegistered && !d.IsRevoked));

        w.Family("receiver_ingest_lag_seconds", "gauge", "For the last commit: seconds from receiving its oldest message to the commit.");
        w.Sample("receiver_ingest_lag_seconds", m.IngestLagSeconds);
        w.Family("receiver_ingest_pending_messages", "gauge", "Messages received but not yet committed and acknowledged.");
        w.Sample("receiver_ingest_pending_messages", m.Pending);
        w.Family("receiver_broker_connected", "gauge", "1 while the ingest is connected to the broker.");
        w.Sample("receiver_broker_connected", m.IsBrokerConnected ? 1 : 0);

        long now = clock.GetUtcNow().ToUnixTimeSeconds();
        var newest = devices.Where(d => d.LastReadingTime is not null).Select(d => d.LastReadingTime!.Value).DefaultIfEmpty().Max();
        w.Family("receiver_newest_reading_age_seconds", "gauge", "Age of the newest stored reading of any device.");
        w.Sample("receiver_newest_reading_age_seconds", newest == 0 ? double.NaN : now - newest);
        return w.ToString();
    }
}

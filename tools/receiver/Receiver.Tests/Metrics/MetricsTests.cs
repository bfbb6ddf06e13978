using System.Text.RegularExpressions;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Metrics;

public sealed class MetricsTests : IClassFixture<ReceiverFactory>
{
    private readonly ReceiverFactory _factory;

    public MetricsTests(ReceiverFactory factory) => _factory = factory;

    [Fact]
    public void Label_values_are_escaped_and_special_floats_spelled_as_Prometheus_does()
    {
        var text = new PrometheusTextWriter()
            .Family("x_total", "counter", "a\nhelp")
            .Sample("x_total", 1.5, ("reason", "a\"b\\c\nd"))
            .Sample("x_total", double.NaN)
            .Sample("x_total", double.PositiveInfinity)
            .ToString();
        Assert.Equal("# HELP x_total a\\nhelp\n# TYPE x_total counter\nx_total{reason=\"a\\\"b\\\\c\\nd\"} 1.5\nx_total NaN\nx_total +Inf\n", text);
    }

    [Fact]
    public async Task Metrics_endpoint_exposes_counters_and_gauges_in_the_text_format()
    {
        var metrics = _factory.Services.GetService(typeof(ReceiverMetrics)) as ReceiverMetrics;
        Assert.NotNull(metrics);
        metrics.MessageReceived("telemetry");
        metrics.MessageReceived("telemetry");
        metrics.Quarantined("out-of-range");
        metrics.Committed(7, 2, TimeSpan.FromMilliseconds(250));
        var batch = new WriteBatch();
        batch.Statuses.Add(Records.Status("esp32-0000000000c1", "online", _factory.Clock.Now));
        await _factory.Store.WriteAsync(batch);

        var response = await _factory.CreateClient().GetAsync("/metrics");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("receiver_messages_received_total{kind=\"telemetry\"} 2\n", text);
        Assert.Contains("receiver_readings_stored_total 7\n", text);
        Assert.Contains("receiver_readings_duplicate_total 2\n", text);
        Assert.Contains("receiver_messages_quarantined_total{reason=\"out-of-range\"} 1\n", text);
        Assert.Contains("receiver_messages_quarantined_total{reason=\"malformed-cbor\"} 0\n", text);
        Assert.Contains("receiver_devices_online 1\n", text);
        Assert.Contains("receiver_telemetry_acks_total{result=\"failed\"} 0\n", text);
        Assert.Contains("receiver_ingest_lag_seconds 0.25\n", text);
        Assert.Contains("# TYPE receiver_ingest_lag_seconds gauge\n", text);

        // Every line is a comment or "name{labels} value".
        var sample = new Regex("^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*\\})? (NaN|[+-]Inf|-?[0-9.eE+-]+)$");
        foreach (var line in text.TrimEnd('\n').Split('\n'))
            Assert.True(line.StartsWith("# HELP ") || line.StartsWith("# TYPE ") || sample.IsMatch(line), line);
    }
}

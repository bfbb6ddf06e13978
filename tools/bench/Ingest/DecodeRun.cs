using System.Diagnostics;
using System.Globalization;
using NodeFirmware.Receiver.Decoding;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// The receiver's decoder and validator alone, on the run's readings encoded as telemetry batch version 2 and as
/// version 1: what each version costs to decode, whichever the devices publish.
/// </summary>
internal static class DecodeRun
{
    public static void Measure(IReadOnlyList<BenchMessage> messages, IngestBenchmarkOptions o)
    {
        int[] versions = [o.BatchVersion, 3 - o.BatchVersion];
        var payloads = versions.Select(v => messages.Select(m => (m.Device, Payload: v == o.BatchVersion ? m.Payload : BenchMessages.Encode(v, m.Device, m.Sent))).ToList()).ToArray();
        var validator = new TelemetryValidator();
        var now = DateTimeOffset.UtcNow;
        // Every payload of both versions once, untimed: the line timed first would otherwise pay for the JIT compiling
        // the code both versions share (0.57 µs a reading timed second, 1.1–1.4 µs timed first, whichever version).
        foreach (var batch in payloads) Decode(batch, validator, now);
        for (int i = 0; i < versions.Length; i++)
        {
            double cpu = ProcessMemory.CpuSeconds(Environment.ProcessId);
            var sw = Stopwatch.StartNew();
            long readings = Decode(payloads[i], validator, now);
            sw.Stop();
            cpu = ProcessMemory.CpuSeconds(Environment.ProcessId) - cpu;
            IngestBenchmark.Print($"decode+validate batch_version={versions[i]}", readings, sw.Elapsed, string.Create(CultureInfo.InvariantCulture,
                $"{IngestBenchmark.CpuFields(readings, cpu)} per_message={o.PerMessage} bytes_per_reading={payloads[i].Sum(p => p.Payload.Length) / (double)readings:F1}"));
        }
    }

    private static long Decode(List<(string Device, byte[] Payload)> payloads, TelemetryValidator validator, DateTimeOffset now)
    {
        long readings = 0;
        foreach (var (device, payload) in payloads) readings += validator.Validate(TelemetryBatchDecoder.Decode(payload, device), device, now).Records.Count;
        return readings;
    }
}

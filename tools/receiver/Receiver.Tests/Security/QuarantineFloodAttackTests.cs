using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.EndToEnd;
using NodeFirmware.Receiver.Tests.Support;
using Xunit.Abstractions;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>
/// The flood from issue 12: one device certificate publishes large garbage as fast as it can through the real
/// Mosquitto into a running receiver. The database and the receiver's memory must stay bounded, the quarantine must
/// keep at most the per-device rate with payloads cut to the cap, and /metrics must count what was dropped.
/// </summary>
public sealed class QuarantineFloodAttackTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan FloodTime = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_device_flooding_garbage_gets_a_bounded_quarantine_database_and_memory()
    {
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        string db = _dir.File("receiver.db");
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db, .. pki.ReceiverArgs(broker)],
            environment: new Dictionary<string, string> { ["Receiver__Quarantine__RetentionInterval"] = "00:00:02" });
        await receiver.WaitForBrokerAsync();
        using var http = receiver.Client();
        await Task.Delay(2000); // let start-up allocations settle before the baseline
        long dbBefore = DatabaseBytes(db);
        long rssBefore = RssBytes(receiver.Pid);

        const string attackerId = "esp32-f100d0000001";
        await using var attacker = new DeviceClient(attackerId, pki.Device(attackerId), pki.Trust, broker.Host, broker.Port, persistentSession: false);
        await attacker.ConnectAsync();
        var garbage = RandomNumberGenerator.GetBytes(60_000);
        long sent = 0, messages = 0;
        var clock = Stopwatch.StartNew();
        long rssPeak = rssBefore;
        var pipeline = new List<Task>();
        while (clock.Elapsed < FloodTime)
        {
            pipeline.Add(attacker.PublishAsync($"nodes/{attackerId}/telemetry", garbage));
            sent += garbage.Length;
            messages++;
            if (pipeline.Count >= 32)
            {
                await Task.WhenAll(pipeline);
                pipeline.Clear();
                rssPeak = Math.Max(rssPeak, RssBytes(receiver.Pid));
            }
        }
        await Task.WhenAll(pipeline);
        double seconds = clock.Elapsed.TotalSeconds;
        await WaitUntilIdleAsync(http);
        await Task.Delay(3000); // one retention pass

        long dbAfter = DatabaseBytes(db);
        long rssAfter = RssBytes(receiver.Pid);
        await using var store = new SqliteTelemetryStore(db);
        var kept = await store.ListQuarantineAsync(1000);
        string metrics = await http.GetStringAsync("/metrics");
        long droppedByRate = long.Parse(Regex.Match(metrics, "receiver_quarantine_dropped_total\\{cause=\"rate\"\\} (\\d+)").Groups[1].Value);
        output.WriteLine($"flood: {messages} messages, {sent / 1e6:F1} MB in {seconds:F1} s = {sent / 1e6 / seconds:F1} MB/s");
        output.WriteLine($"quarantine rows kept: {kept.Count}, dropped by rate: {droppedByRate}");
        output.WriteLine($"database: {dbBefore / 1e6:F2} MB -> {dbAfter / 1e6:F2} MB; receiver RSS: {rssBefore / 1e6:F0} MB -> peak {rssPeak / 1e6:F0} MB -> {rssAfter / 1e6:F0} MB");

        Assert.True(sent / seconds > 5e6, $"the flood reached only {sent / 1e6 / seconds:F1} MB/s");
        // Burst 20 plus 1 per second, for the flood and the drain after it.
        Assert.InRange(kept.Count, 1, 20 + (int)seconds + 30);
        Assert.All(kept, q => Assert.True(q.Payload.Length <= 1024, $"{q.Payload.Length} payload bytes kept"));
        Assert.Contains("first 1024 kept", kept[0].Message);
        Assert.True(droppedByRate >= messages / 2, $"{droppedByRate} of {messages} dropped by rate");
        Assert.True(dbAfter - dbBefore < 2_000_000, $"the database grew by {(dbAfter - dbBefore) / 1e6:F2} MB");
        Assert.True(rssPeak - rssBefore < 150_000_000, $"the receiver's memory grew by {(rssPeak - rssBefore) / 1e6:F0} MB");
    }

    private static async Task WaitUntilIdleAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if ((await http.GetStringAsync("/metrics")).Contains("\nreceiver_ingest_pending_messages 0\n")) return;
            await Task.Delay(200);
        }
    }

    private static long DatabaseBytes(string db) =>
        new[] { db, db + "-wal", db + "-shm" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);

    private static long RssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(Regex.Match(line, "(\\d+)").Value) * 1024;
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Protocol;
using NodeSim.Network;
using NodeSim.Telemetry;

namespace NodeSim.Cli;

/// <summary>Watches the fleet's telemetry at the broker with the receiver's identity and prints the first readings of each node, decoded.</summary>
public sealed class TelemetryPrinter : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, HashSet<(uint, uint)>> _keys = new();
    private readonly int _show;

    private TelemetryPrinter(int show) => _show = show;

    public static async Task<TelemetryPrinter> StartAsync(BrokerEndpoint broker, X509Certificate2 identity, int show)
    {
        var p = new TelemetryPrinter(show);
        p._client.ApplicationMessageReceivedAsync += e =>
        {
            p.Print(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
        await p._client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithFleetBroker(broker, identity)
            .WithClientId("nodesim-watch")
            .Build());
        await p._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("nodes/+/telemetry", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return p;
    }

    public int DistinctReadings(string device) => _keys.TryGetValue(device, out var set) ? set.Count : 0;

    private void Print(string topic, byte[] payload)
    {
        IReadOnlyList<DecodedReading> readings;
        try { readings = TelemetryBatchReader.Read(topic, payload); }
        catch (Exception e) when (e is InvalidDataException or System.Formats.Cbor.CborContentException or InvalidOperationException or OverflowException)
        {
            Console.WriteLine($"  {topic}: undecodable batch ({e.Message})");
            return;
        }
        foreach (var r in readings)
        {
            var set = _keys.GetOrAdd(r.Device, _ => new HashSet<(uint, uint)>());
            bool fresh; int count;
            lock (set) { fresh = set.Add((r.Epoch, r.Sequence)); count = set.Count; }
            if (!fresh || count > _show) continue;
            string values = string.Join("  ", r.Channels.Select(c => $"{c.Key} {c.Value.Value.ToString("0.##", CultureInfo.InvariantCulture)} {c.Value.Unit}"));
            Console.WriteLine($"  {r.Device} e{r.Epoch}#{r.Sequence,-5} {DateTimeOffset.FromUnixTimeSeconds(r.UnixTime):yyyy-MM-dd HH:mm:ss}  {values}");
            if (count == _show) Console.WriteLine($"  {r.Device}: (further readings counted, not printed)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
        _client.Dispose();
    }
}

using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// The campaign engine on the ingest's MQTT connection. The broker makes the client id the certificate's CN
/// (use_username_as_clientid, docs/broker.md), so a second client with the receiver's identity would keep taking
/// the session over from the ingest; instead the ingest subscribes to the OTA filters too, hands OTA messages here
/// (a worker passes them to the engine one at a time, never blocking the ingest's receive loop), and lends its client
/// for the engine's offers and chunks.
/// </summary>
public sealed class CampaignMqttBridge(ILogger<CampaignMqttBridge>? log = null) : ICampaignPublisher, IAsyncDisposable
{
    public static readonly string[] Filters = [OtaTopics.RequestFilter, OtaTopics.ProgressFilter, OtaTopics.ResultFilter];

    private readonly ILogger _log = (ILogger?)log ?? NullLogger.Instance;
    private readonly Channel<(string Topic, byte[] Payload)> _inbound = Channel.CreateUnbounded<(string, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private volatile IMqttClient? _client;
    private Task? _worker;

    /// <summary>Raised (on the ingest's task) each time the ingest has connected and subscribed.</summary>
    public event Func<Task>? Connected;

    public bool IsConnected => _client is { IsConnected: true };

    public static bool Accepts(string topic) => OtaTopics.Parse(topic) is { Kind: "req" or "progress" or "result" };

    /// <summary>Starts passing received OTA messages to <paramref name="engine"/>.</summary>
    public void Start(CampaignEngine engine) => _worker ??= Task.Run(() => PumpAsync(engine, _stop.Token));

    /// <summary>Called by the ingest once its client is connected and subscribed.</summary>
    public async Task AttachAsync(IMqttClient client)
    {
        _client = client;
        if (Connected is { } handler)
        {
            try { await handler(); }
            catch (Exception e) { _log.LogWarning("after the broker connection: {Message}", e.Message); }
        }
    }

    public void Detach() => _client = null;

    public void Enqueue(string topic, byte[] payload) => _inbound.Writer.TryWrite((topic, payload));

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct = default)
    {
        var client = _client ?? throw new InvalidOperationException("the receiver is not connected to the broker");
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        var result = await client.PublishAsync(message, ct);
        if (!result.IsSuccess) throw new InvalidOperationException($"publishing to {topic} failed: {result.ReasonCode} {result.ReasonString}");
    }

    private async Task PumpAsync(CampaignEngine engine, CancellationToken stop)
    {
        try
        {
            await foreach (var (topic, payload) in _inbound.Reader.ReadAllAsync(stop))
            {
                try { await engine.HandleAsync(topic, payload, stop); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { throw; }
                catch (Exception e) { _log.LogError(e, "handling {Topic} failed", topic); }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _inbound.Writer.TryComplete();
        if (_worker is not null) await _worker;
        _stop.Dispose();
    }
}

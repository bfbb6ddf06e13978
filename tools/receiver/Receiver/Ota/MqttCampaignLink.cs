using System.Buffers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// A campaign engine's own MQTT client, for running the engine outside the receiver (tests, tools): a persistent
/// MQTT 5 session subscribed to the devices' requests, progress and results, which it hands to the engine one at a
/// time on a worker, so the client's receive loop never waits on the engine. The identity needs the receiver's ACL
/// (write nodes/+/ota/offer and nodes/+/ota/chunk). Not for use beside a running receiver with the same certificate:
/// the broker makes the client id the CN, and the two would take the session from each other — inside the receiver,
/// <see cref="CampaignMqttBridge"/> shares the ingest's connection instead.
/// </summary>
public sealed class MqttCampaignLink : ICampaignPublisher, IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Channel<(string Topic, byte[] Payload)> _inbound = Channel.CreateUnbounded<(string, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Task? _worker;
    private int _backlog;

    public MqttCampaignLink(ILogger? log = null)
    {
        _log = log ?? NullLogger.Instance;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Interlocked.Increment(ref _backlog);
            if (!_inbound.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()))) Interlocked.Decrement(ref _backlog);
            return Task.CompletedTask;
        };
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects, subscribes and starts handing messages to <paramref name="engine"/>.</summary>
    public async Task ConnectAsync(string host, int port, X509Certificate2 ca, X509Certificate2 identity, string clientId, CampaignEngine engine, CancellationToken ct = default)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(7 * 24 * 3600)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(o => o
                .UseTls()
                .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithClientCertificates([identity])
                .WithCertificateValidationHandler(e => ValidateServer(ca, e.Certificate, e.SslPolicyErrors)))
            .Build();
        var result = await _client.ConnectAsync(options, ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"the broker refused the campaign client: {result.ResultCode} {result.ReasonString}");
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic(OtaTopics.RequestFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(OtaTopics.ProgressFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .WithTopicFilter(f => f.WithTopic(OtaTopics.ResultFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build();
        var granted = await _client.SubscribeAsync(subscribe, ct);
        foreach (var item in granted.Items)
            if (item.ResultCode != MqttClientSubscribeResultCode.GrantedQoS1)
                throw new InvalidOperationException($"subscription {item.TopicFilter.Topic} was answered {item.ResultCode}: check the broker's ACL for the receiver");
        _worker ??= Task.Run(() => PumpAsync(engine, _stop.Token));
    }

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken ct = default)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        var result = await _client.PublishAsync(message, ct);
        if (!result.IsSuccess) throw new InvalidOperationException($"publishing to {topic} failed: {result.ReasonCode} {result.ReasonString}");
    }

    /// <summary>Messages received but not yet handled by the engine.</summary>
    public int Backlog => Volatile.Read(ref _backlog);

    private async Task PumpAsync(CampaignEngine engine, CancellationToken stop)
    {
        try
        {
            await foreach (var (topic, payload) in _inbound.Reader.ReadAllAsync(stop))
            {
                try { await engine.HandleAsync(topic, payload, stop); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { throw; }
                catch (Exception e) { _log.LogError(e, "handling {Topic} failed", topic); }
                finally { Interlocked.Decrement(ref _backlog); }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
    }

    private static bool ValidateServer(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _inbound.Writer.TryComplete();
        if (_worker is not null) await _worker;
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        }
        catch (Exception e) { _log.LogDebug(e, "disconnecting the campaign client failed"); }
        _client.Dispose();
        _stop.Dispose();
    }
}

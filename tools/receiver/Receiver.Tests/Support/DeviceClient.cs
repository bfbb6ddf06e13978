using System.Buffers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>A device's MQTT connection with its own certificate (MQTT 3.1.1 over TLS 1.2, like the firmware): raw publishes and what it receives.</summary>
public sealed class DeviceClient : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;

    public DeviceClient(string id, X509Certificate2 certificate, FleetTrust trust, string host, int port, bool persistentSession)
    {
        Id = id;
        _options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port).WithProtocolVersion(MqttProtocolVersion.V311).WithClientId(id)
            .WithCleanSession(!persistentSession).WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(o => o.UseTls().WithSslProtocols(SslProtocols.Tls12)
                .WithClientCertificates(new X509Certificate2Collection(certificate))
                .WithCertificateValidationHandler(e => trust.ValidateServer(e.Certificate, e.SslPolicyErrors)))
            .Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Received.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
    }

    public string Id { get; }
    public Channel<(string Topic, byte[] Payload)> Received { get; } = Channel.CreateUnbounded<(string, byte[])>();
    public bool IsConnected => _client.IsConnected;

    public async Task ConnectAsync(params string[] subscriptions)
    {
        await _client.ConnectAsync(_options);
        foreach (var topic in subscriptions)
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
    }

    /// <summary>Connects without subscribing and returns the broker's answer (a refusal in CONNACK does not throw).</summary>
    public async Task<MqttClientConnectResultCode> ConnectForResultAsync() => (await _client.ConnectAsync(_options)).ResultCode;

    public Task DisconnectAsync() => _client.DisconnectAsync();

    public Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce,
        bool retain = false) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build());

    public async ValueTask DisposeAsync()
    {
        try { if (_client.IsConnected) await _client.DisconnectAsync(); }
        catch (Exception) { /* gone already */ }
        _client.Dispose();
    }
}

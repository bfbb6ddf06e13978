using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>An MQTTnet 5 client over TLS 1.2 with a client certificate, trusting only the fleet CA, that collects what it receives.</summary>
public sealed class TestMqttClient : IAsyncDisposable
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(15);
    private readonly Channel<MqttApplicationMessage> _received = Channel.CreateUnbounded<MqttApplicationMessage>();

    private TestMqttClient(IMqttClient client, MqttClientOptions options)
    {
        Client = client;
        Options = options;
        Client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    public IMqttClient Client { get; }
    public MqttClientOptions Options { get; }

    public static MqttClientOptions BuildOptions(MosquittoInstance broker, X509Certificate2? certificate, FleetTrust trust,
        string clientId, bool persistentSession, MqttProtocolVersion version, string? willTopic = null) =>
        BuildOptions(broker.Host, broker.Port, certificate, trust, clientId, persistentSession, version, willTopic);

    public static MqttClientOptions BuildOptions(string host, int port, X509Certificate2? certificate, FleetTrust trust,
        string clientId, bool persistentSession, MqttProtocolVersion version, string? willTopic = null)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(clientId)
            .WithProtocolVersion(version)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(tls =>
            {
                tls.UseTls()
                    .WithTargetHost("localhost")
                    .WithSslProtocols(SslProtocols.Tls12)
                    .WithCertificateValidationHandler(e => trust.ValidateServer(e.Certificate, e.SslPolicyErrors));
                if (certificate is not null) tls.WithClientCertificates(new X509Certificate2Collection(certificate));
            });
        if (version == MqttProtocolVersion.V500)
            builder.WithCleanStart(!persistentSession).WithSessionExpiryInterval(persistentSession ? uint.MaxValue : 0);
        else
            builder.WithCleanSession(!persistentSession);
        if (willTopic is not null)
            builder.WithWillTopic(willTopic).WithWillPayload("offline"u8.ToArray()).WithWillRetain()
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        return builder.Build();
    }

    /// <summary>Connects a device as the firmware would: MQTT 3.1.1, its id as client id, last will on its status topic.</summary>
    public static Task<TestMqttClient> ConnectDeviceAsync(MosquittoInstance broker, X509Certificate2 certificate, FleetTrust trust, string? clientId = null) =>
        ConnectDeviceAsync(broker.Host, broker.Port, certificate, trust, clientId);

    public static Task<TestMqttClient> ConnectDeviceAsync(string host, int port, X509Certificate2 certificate, FleetTrust trust, string? clientId = null)
    {
        var id = FleetTrust.CommonName(certificate)!;
        return ConnectAsync(BuildOptions(host, port, certificate, trust, clientId ?? id, true, MqttProtocolVersion.V311, $"nodes/{id}/status"));
    }

    /// <summary>Connects the receiver: MQTT 5, persistent session that never expires.</summary>
    public static Task<TestMqttClient> ConnectReceiverAsync(MosquittoInstance broker, X509Certificate2 certificate, FleetTrust trust, bool persistent = true) =>
        ConnectAsync(BuildOptions(broker, certificate, trust, FleetTrust.CommonName(certificate)!, persistent, MqttProtocolVersion.V500));

    public static async Task<TestMqttClient> ConnectAsync(MqttClientOptions options)
    {
        var client = new TestMqttClient(new MqttClientFactory().CreateMqttClient(), options);
        try
        {
            using var cts = new CancellationTokenSource(WaitLimit);
            await client.Client.ConnectAsync(options, cts.Token);
            return client;
        }
        catch
        {
            client.Client.Dispose();
            throw;
        }
    }

    public async Task<MqttClientConnectResult> ReconnectAsync()
    {
        using var cts = new CancellationTokenSource(WaitLimit);
        return await Client.ConnectAsync(Options, cts.Token);
    }

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string topicFilter)
    {
        var result = await Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(topicFilter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return result.Items.Single().ResultCode;
    }

    public async Task<MqttClientPublishResult> PublishAsync(string topic, string payload, bool retain = false)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build();
        using var cts = new CancellationTokenSource(WaitLimit);
        return await Client.PublishAsync(message, cts.Token);
    }

    /// <summary>The next message received, or a TimeoutException after <see cref="WaitLimit"/>.</summary>
    public async Task<(string Topic, string Payload)> NextAsync()
    {
        using var cts = new CancellationTokenSource(WaitLimit);
        try
        {
            var m = await _received.Reader.ReadAsync(cts.Token);
            return (m.Topic, m.ConvertPayloadToString());
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Options.ClientId} received nothing within {WaitLimit}");
        }
    }

    /// <summary>Messages received so far without waiting.</summary>
    public List<(string Topic, string Payload)> Drain()
    {
        var list = new List<(string, string)>();
        while (_received.Reader.TryRead(out var m)) list.Add((m.Topic, m.ConvertPayloadToString()));
        return list;
    }

    public async Task DisconnectAsync()
    {
        if (Client.IsConnected)
            await Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
    }

    public async ValueTask DisposeAsync()
    {
        try { await DisconnectAsync(); }
        catch (Exception) { /* broker may be gone */ }
        Client.Dispose();
    }
}

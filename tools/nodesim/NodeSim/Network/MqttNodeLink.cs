using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeFirmware.Core.Link;

namespace NodeSim.Network;

/// <summary>
/// The virtual node's MQTT session: MQTT 3.1.1 over TLS 1.2 with the node's own client certificate,
/// as the device speaks it with M2Mqtt (<see cref="NodeTls"/>). The broker may keep the session across sleeps (Core asks for
/// that); the node's own side of it does not survive a deep sleep, so what must survive is in Core's journal.
/// </summary>
public sealed class MqttNodeLink : IAsyncDisposable
{
    private static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(15);

    private readonly BrokerEndpoint _broker;
    private readonly NodeTls _tls;
    private readonly SemaphoreSlim? _handshakes;
    private readonly ConcurrentQueue<(string Topic, byte[] Payload)> _inbound = new();
    private IMqttClient? _client;
    private MqttClientOptions? _options;
    private (string ClientId, bool CleanSession, string WillTopic, byte[] WillPayload) _optionsFor;

    public MqttNodeLink(BrokerEndpoint broker, X509Certificate2 clientCertificateWithKey) : this(broker, new NodeTls(broker, clientCertificateWithKey)) { }

    /// <param name="tls">The node's TLS, set up once for all its connections.</param>
    /// <param name="handshakes">
    /// Connects in flight in this process at once (shared by a fleet's nodes); a connect waits for a place before its
    /// timeout starts. Each device has a CPU of its own; the simulator shares a few cores, and thousands of handshakes
    /// started together would each take longer than the device's timeout. Null: no bound.
    /// </param>
    public MqttNodeLink(BrokerEndpoint broker, NodeTls tls, SemaphoreSlim? handshakes = null)
    {
        _broker = broker;
        _tls = tls;
        _handshakes = handshakes;
    }

    public bool IsConnected => _client?.IsConnected == true;

    /// <summary>Whether the broker still had the session at the last connect (so no SUBSCRIBE was sent).</summary>
    public bool SessionWasPresent { get; private set; }

    /// <summary>
    /// The last successful connect as this host measured it, in milliseconds: TCP and the TLS handshake, then MQTT
    /// (CONNECT to CONNACK, and SUBSCRIBE to SUBACK when the broker had no session). Waiting for a place among the
    /// process's handshakes is left out: a device does not wait for its neighbours.
    /// </summary>
    public (int TlsHandshakeMillis, int MqttConnectMillis) LastConnectMillis { get; private set; } = (-1, -1);

    /// <summary>Connects and subscribes; null on success, otherwise why not.</summary>
    public async Task<string?> ConnectAsync(string clientId, bool cleanSession, string willTopic, byte[] willPayload, string[] subscriptions)
    {
        await DropAsync();
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            _inbound.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        var options = Options(clientId, cleanSession, willTopic, willPayload);
        if (_handshakes != null) await _handshakes.WaitAsync();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var timeout = new CancellationTokenSource(OperationTimeout);
            var result = await client.ConnectAsync(options, timeout.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success) { client.Dispose(); return "refused: " + result.ResultCode; }
            SessionWasPresent = result.IsSessionPresent;
            if (result.IsSessionPresent) // the broker still has the subscriptions
            {
                _client = client;
                NoteConnectTime(started);
                return null;
            }
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var topic in subscriptions) subscribe.WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce);
            var granted = await client.SubscribeAsync(subscribe.Build(), timeout.Token);
            var refused = granted.Items.FirstOrDefault(i => (int)i.ResultCode > 2);
            if (refused != null) { client.Dispose(); return $"subscription to {refused.TopicFilter.Topic} refused"; }
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or AuthenticationException or IOException
                                       or System.Net.Sockets.SocketException)
        {
            client.Dispose();
            return Describe(e);
        }
        finally
        {
            _handshakes?.Release();
        }
        _client = client;
        NoteConnectTime(started);
        return null;
    }

    // Whole milliseconds, rounded up: over the loopback a CONNECT round trip takes well under one, and a step that
    // happened is not reported as one that took nothing.
    private void NoteConnectTime(long started)
    {
        var total = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var tls = _tls.LastHandshake < total ? _tls.LastHandshake : total;
        LastConnectMillis = ((int)Math.Ceiling(tls.TotalMilliseconds), (int)Math.Ceiling((total - tls).TotalMilliseconds));
    }

    /// <summary>The CONNECT options; built again only when Core asks for a different session or will.</summary>
    private MqttClientOptions Options(string clientId, bool cleanSession, string willTopic, byte[] willPayload)
    {
        if (_options != null && _optionsFor.ClientId == clientId && _optionsFor.CleanSession == cleanSession && _optionsFor.WillTopic == willTopic
            && _optionsFor.WillPayload.AsSpan().SequenceEqual(willPayload))
            return _options;
        _optionsFor = (clientId, cleanSession, willTopic, willPayload);
        return _options = new MqttClientOptionsBuilder()
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(clientId)
            .WithCleanSession(cleanSession)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTimeout(OperationTimeout)
            .WithWillTopic(willTopic).WithWillPayload(willPayload).WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTcpServer(_broker.DialHost, _broker.Port)
            .WithStreamProvider(_tls) // TLS is the node's own (NodeTls), so MQTTnet's is off
            .Build();
    }

    /// <summary>The failure and its innermost cause (for a TLS refusal, the alert the broker sent).</summary>
    private static string Describe(Exception e)
    {
        var cause = e;
        while (cause.InnerException is { } inner) cause = inner;
        return e.GetType().Name + ": " + e.Message + (ReferenceEquals(cause, e) ? "" : " (" + cause.Message + ")");
    }

    /// <summary>Publishes with QoS 1; true when the broker acknowledged it.</summary>
    public async Task<bool> PublishAsync(OutboundMessage message)
    {
        if (_client is not { IsConnected: true }) return false;
        var m = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithRetainFlag(message.Retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(OperationTimeout);
            var result = await _client.PublishAsync(m, timeout.Token);
            return result.IsSuccess;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>The messages the broker delivered since the last call, in order.</summary>
    public List<(string Topic, byte[] Payload)> TakeInbound()
    {
        var list = new List<(string, byte[])>();
        while (_inbound.TryDequeue(out var m)) list.Add(m);
        return list;
    }

    public async Task DisconnectAsync()
    {
        if (_client is { IsConnected: true })
        {
            try { await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()); }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or IOException) { }
        }
        await DropAsync();
    }

    /// <summary>Drops the connection without a DISCONNECT, as a node losing power or radio does (the will fires).</summary>
    public Task DropAsync()
    {
        _client?.Dispose();
        _client = null;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => new(DropAsync());
}

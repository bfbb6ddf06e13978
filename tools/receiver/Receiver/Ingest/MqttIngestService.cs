using System.Buffers;
using System.Security.Authentication;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NodeFirmware.Receiver.Ingest;

/// <summary>
/// Takes telemetry and status from the broker: MQTT 5, persistent session (clean start off, session expiry, fixed
/// client id), telemetry and status through a shared subscription when receivers share a group, QoS 1 with manual
/// acknowledgement — a message is acknowledged only after the commit that stored it (see <see cref="IngestWriter"/>). Reconnects with back-off;
/// no payload can stop it (bad ones go to quarantine).
/// </summary>
public sealed class MqttIngestService(
    IOptions<MqttIngestOptions> options,
    IngestClassifier classifier,
    IngestWriter writer,
    Metrics.ReceiverMetrics metrics,
    TimeProvider clock,
    ILogger<MqttIngestService> log,
    Ota.CampaignMqttBridge? campaigns = null,
    Commands.DeviceLink? devices = null,
    TelemetryAckSender? telemetryAcks = null) : BackgroundService
{
    private readonly MqttIngestOptions _options = options.Value;
    private readonly IngestDecodeStage _decode = new(classifier, writer, options.Value.DecodeQueueCapacity, telemetryAcks);
    private readonly AckGate _gate = new();
    private readonly ReceiveStamps _stamps = new(clock);
    private int _generation;
    private CancellationToken _stopping;
    private TaskCompletionSource _connectionLost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!_options.IsConfigured)
        {
            log.LogInformation("no broker configured: ingest is off (API and page only)");
            return;
        }
        _stopping = stop;
        var (host, port) = _options.ParseAddress();
        var tls = BrokerTls.Load(_options.CaFile ?? "", _options.CertFile ?? "", _options.KeyFile ?? "");
        // The pipeline: this client receives, the decode stage decodes and validates, the writer commits and then acks.
        var writerTask = Task.Run(() => writer.RunAsync(stop), CancellationToken.None);
        var decodeTask = Task.Run(() => _decode.RunAsync(stop), CancellationToken.None);

        // Acks written together rather than one TLS record each (see CoalescingMqttChannel).
        using var client = new MqttClientFactory().CreateMqttClient(new CoalescingMqttClientAdapterFactory());
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += e =>
        {
            campaigns?.Detach();
            devices?.Detach();
            telemetryAcks?.Detach();
            _gate.ConnectionLost();
            metrics.BrokerConnected(false);
            _connectionLost.TrySetResult();
            return Task.CompletedTask;
        };

        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(_options.ProtocolVersion)
            .WithClientId(_options.ClientId)
            .WithCleanStart(false);
        // MQTT 3.1.1 (the clustered broker, docs/scaling.md) has neither property: its session never expires by itself.
        if (_options.ProtocolVersion == MqttProtocolVersion.V500)
            builder = builder.WithSessionExpiryInterval(_options.SessionExpirySeconds).WithReceiveMaximum(_options.ReceiveMaximum);
        var clientOptions = builder
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithTlsOptions(o => o
                .UseTls()
                .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithClientCertificates([tls.ClientCertificate])
                .WithCertificateValidationHandler(e => tls.ValidateServer(e.Certificate, e.SslPolicyErrors)))
            .Build();

        var backoff = new Backoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                _connectionLost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _generation = _gate.BeginConnection();
                var result = await client.ConnectAsync(clientOptions, stop);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                    throw new InvalidOperationException($"the broker refused the connection: {result.ResultCode} {result.ReasonString}");
                // Subscribing again on a resumed session is harmless and repairs a session the broker lost.
                var subscribe = new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(f => f.WithTopic(_options.TelemetryFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                    .WithTopicFilter(f => StatusSubscription(f.WithTopic(_options.StatusFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)));
                // OTA campaigns share this connection: the broker allows one session per receiver identity.
                if (campaigns is not null)
                    foreach (var filter in Ota.CampaignMqttBridge.Filters)
                        subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
                if (devices is not null)
                    subscribe.WithTopicFilter(f => f.WithTopic(Commands.DeviceLink.AckFilter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
                var granted = await client.SubscribeAsync(subscribe.Build(), stop);
                foreach (var item in granted.Items)
                {
                    if (item.ResultCode != MqttClientSubscribeResultCode.GrantedQoS1)
                        log.LogError("subscription {Topic} was answered {Code}: check the broker's ACL for the receiver", item.TopicFilter.Topic, item.ResultCode);
                }
                // A session kept from a run with the other subscription mode would otherwise deliver everything twice.
                if (result.IsSessionPresent) await client.UnsubscribeAsync(OtherModeUnsubscribe(), stop);
                metrics.BrokerConnected(true);
                if (campaigns is not null) await campaigns.AttachAsync(client);
                devices?.Attach(client);
                telemetryAcks?.Attach(client);
                log.LogInformation("connected to {Host}:{Port} as {ClientId} (session present: {Present})", host, port, _options.ClientId, result.IsSessionPresent);
                backoff.Reset();
                await _connectionLost.Task.WaitAsync(stop);
                log.LogWarning("lost the broker connection; reconnecting");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogWarning("broker {Host}:{Port} not reachable: {Message}", host, port, e.Message);
            }
            _gate.ConnectionLost();
            metrics.BrokerConnected(false);
            try
            {
                await Task.Delay(backoff.Next(), clock, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        try
        {
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
            }
        }
        catch (Exception e)
        {
            log.LogDebug(e, "disconnecting from the broker failed");
        }
        await decodeTask;
        await writerTask;
    }

    /// <summary>
    /// Retained statuses only when the subscription is new (MQTT 5 Retain Handling 1): a receiver without a session
    /// learns every device's last status, a resumed session does not get them all again on each restart (it has had
    /// them, live or queued). MQTT 3.1.1 has no such option; there the store drops the copies (<see cref="Storage.StatusDelivery"/>).
    /// A shared subscription gets no retained messages at all; the store learns each device's status from the status it
    /// sends with its next report.
    /// </summary>
    private MqttTopicFilterBuilder StatusSubscription(MqttTopicFilterBuilder filter) => _options.ProtocolVersion == MqttProtocolVersion.V500
        ? filter.WithRetainHandling(MqttRetainHandling.SendAtSubscribeIfNewSubscriptionOnly)
        : filter;

    private MqttClientUnsubscribeOptions OtherModeUnsubscribe()
    {
        var unsubscribe = new MqttClientUnsubscribeOptionsBuilder();
        foreach (var filter in _options.OtherModeFilters) unsubscribe.WithTopicFilter(filter);
        return unsubscribe.Build();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        if (campaigns is not null && Ota.CampaignMqttBridge.Accepts(e.ApplicationMessage.Topic))
        {
            // Acknowledged on receipt: devices repeat results and re-ask chunks, and campaign state is in the store.
            campaigns.Enqueue(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
            return;
        }
        if (devices is not null && Commands.DeviceLink.Accepts(e.ApplicationMessage.Topic))
        {
            // Acknowledged on receipt: an ack that is lost leaves its command to expire visibly.
            devices.Enqueue(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
            return;
        }
        e.AutoAcknowledge = false;
        int generation = _generation;
        var message = e.ApplicationMessage;
        // Waits while the decode queue is full: back-pressure; the broker's in-flight window holds the rest.
        try
        {
            await _decode.EnqueueAsync(new ReceivedMessage(message.Topic, message.Payload.ToArray(), _stamps.Next(),
                ct => StartAcknowledge(generation, e, ct), new BrokerDelivery(message.Retain, message.Dup, e.PacketIdentifier)), _stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping: not acknowledged, so the broker delivers it again.
        }
    }

    /// <summary>
    /// Queues the PUBACK on the connection and returns without waiting for it to be written, so the ack stage can
    /// queue the next one at once; a write that fails later only means the broker delivers the message again.
    /// </summary>
    private Task StartAcknowledge(int generation, MqttApplicationMessageReceivedEventArgs e, CancellationToken ct)
    {
        var send = _gate.StartAcknowledge(generation, e.AcknowledgeAsync, ct);
        send?.ContinueWith(static (t, state) => ((ILogger)state!).LogDebug(t.Exception, "a PUBACK was not written; the broker delivers the message again"),
            log, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }
}

using System;
using System.Collections;
using System.Threading;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;
using NodeFirmware.Core.Link;


namespace NodeFirmware.Device
{
    /// <summary>
    /// MQTT 3.1.1 over TLS 1.2 with the device certificate (nanoFramework.M2Mqtt): connect with the last will,
    /// subscribe when the broker has no session for the node (CONNACK's session-present flag), publish with QoS 1 and wait for each PUBACK (MqttMsgPublished), queue what arrives.
    /// M2Mqtt's own session state lives in RAM and dies with deep sleep; Core's journal is what counts.
    /// A connect is bounded by <see cref="ConnectLimits.MqttConnectMillis"/>: M2Mqtt 5.1.220 resolves the host in
    /// MqttClient's constructor, connects the socket and does the TLS handshake without a timeout of its own, and
    /// waits a fixed 30 s (MqttSettings.DefaultTimeout) for CONNACK, so the attempt runs on a worker thread and
    /// the client is closed when the bound passes.
    /// </summary>
    public class MqttLink
    {
        private const ushort KeepAliveSeconds = 60;

        private readonly string _host;
        private readonly int _port;
        private readonly TlsCredentials _credentials;
        private readonly ArrayList _inbound = new ArrayList();
        private readonly ArrayList _acked = new ArrayList(); // message ids whose PUBACK came
        private readonly AutoResetEvent _ackSignal = new AutoResetEvent(false);
        private MqttClient _client;
        private bool _closed;

        // One connect attempt on its worker thread; a late finish of an abandoned attempt is recognised by its number.
        private readonly object _attemptLock = new object();
        private readonly AutoResetEvent _attemptDone = new AutoResetEvent(false);
        private int _attempt;
        private MqttClient _attemptClient;
        private string _attemptReason;
        private bool _attemptOk;
        private int _finishedAttempt;
        private object _openedClient; // the client whose CONNACK came last, and its session-present flag
        private bool _openedSessionPresent;

        public MqttLink(string host, int port, TlsCredentials credentials)
        {
            _host = host;
            _port = port;
            _credentials = credentials;
        }

        /// <summary>True when the last will could not be sent as given (see <see cref="WillText"/>).</summary>
        public bool WillDropped { get; private set; }

        public bool IsConnected
        {
            get { return _client != null && _client.IsConnected && !_closed; }
        }

        /// <summary>Connects within <see cref="ConnectLimits.MqttConnectMillis"/>; false with a reason otherwise.</summary>
        public bool Connect(string clientId, string willTopic, byte[] willPayload, string[] subscriptions, out string reason)
        {
            Drop();
            string will = WillText(willPayload);
            WillDropped = willPayload != null && will == null;
            int attempt;
            lock (_attemptLock)
            {
                attempt = ++_attempt;
                _attemptClient = null;
                _attemptReason = null;
                _attemptOk = false;
            }
            var worker = new ConnectAttempt(this, attempt, clientId, willTopic, will, subscriptions);
            new Thread(worker.Run).Start();
            bool finished = WaitForAttempt(attempt);
            lock (_attemptLock)
            {
                _attempt++; // whatever the worker does from now on belongs to no attempt
                MqttClient client = _attemptClient;
                _attemptClient = null;
                if (finished && _attemptOk)
                {
                    _client = client;
                    _closed = false;
                    reason = null;
                    return true;
                }
                reason = finished ? _attemptReason : "mqtt: not connected within " + ConnectLimits.MqttConnectMillis / 1000 + " s";
                if (client != null) CloseQuietly(client);
                return false;
            }
        }

        /// <summary>True when attempt <paramref name="attempt"/> finished within the bound (a stale signal of an abandoned one does not count).</summary>
        private bool WaitForAttempt(int attempt)
        {
            long deadline = Environment.TickCount64 + ConnectLimits.MqttConnectMillis;
            while (true)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0 || !_attemptDone.WaitOne((int)left, false)) return false;
                lock (_attemptLock)
                {
                    if (_finishedAttempt == attempt) return true;
                }
            }
        }

        private void RunAttempt(int attempt, string clientId, string willTopic, string will, string[] subscriptions)
        {
            MqttClient client = null;
            string reason = null;
            bool ok = false;
            try
            {
                client = new MqttClient(_host, _port, true, _credentials.FleetCa, _credentials.Device, MqttSslProtocols.TLSv1_2);
                lock (_attemptLock)
                {
                    if (attempt != _attempt) { CloseQuietly(client); return; }
                    _attemptClient = client; // so a timed-out attempt's socket can be closed from the waiting thread
                }
                client.ProtocolVersion = MqttProtocolVersion.Version_3_1_1;
                client.MqttMsgPublished += OnPublished;
                client.MqttMsgPublishReceived += OnReceived;
                client.ConnectionClosed += OnClosed;
                client.ConnectionOpened += OnOpened;
                bool hasWill = willTopic != null && will != null;
                // Not a clean session: the broker keeps QoS 1 commands that arrive while the node sleeps.
                MqttReasonCode code = client.Connect(clientId, null, null, hasWill, MqttQoSLevel.AtLeastOnce, hasWill,
                    hasWill ? willTopic : null, hasWill ? will : null, false, KeepAliveSeconds);
                if (code != MqttReasonCode.Success) reason = "mqtt: CONNACK " + (int)code;
                else
                {
                    bool sessionPresent;
                    lock (_attemptLock) sessionPresent = _openedClient == client && _openedSessionPresent;
                    // The broker keeps the subscriptions with the session: subscribing again would cost a round trip per wake.
                    if (!sessionPresent && subscriptions != null && subscriptions.Length > 0)
                    {
                        var qos = new MqttQoSLevel[subscriptions.Length];
                        for (int i = 0; i < qos.Length; i++) qos[i] = MqttQoSLevel.AtLeastOnce;
                        client.Subscribe(subscriptions, qos);
                    }
                    ok = true;
                }
            }
            catch (Exception e)
            {
                reason = "mqtt: " + e.Message;
            }
            lock (_attemptLock)
            {
                if (attempt != _attempt)
                {
                    if (client != null) CloseQuietly(client);
                    return;
                }
                _attemptClient = client;
                _attemptOk = ok;
                _attemptReason = reason;
                _finishedAttempt = attempt;
            }
            _attemptDone.Set();
        }

        private void CloseQuietly(MqttClient client)
        {
            try
            {
                client.MqttMsgPublished -= OnPublished;
                client.MqttMsgPublishReceived -= OnReceived;
                client.ConnectionClosed -= OnClosed;
                client.ConnectionOpened -= OnOpened;
                client.Close();
            }
            catch (Exception) { }
        }

        /// <summary>The arguments of one connect attempt, for its worker thread (ThreadStart takes none).</summary>
        private class ConnectAttempt
        {
            private readonly MqttLink _link;
            private readonly int _attempt;
            private readonly string _clientId;
            private readonly string _willTopic;
            private readonly string _will;
            private readonly string[] _subscriptions;

            public ConnectAttempt(MqttLink link, int attempt, string clientId, string willTopic, string will, string[] subscriptions)
            {
                _link = link;
                _attempt = attempt;
                _clientId = clientId;
                _willTopic = willTopic;
                _will = will;
                _subscriptions = subscriptions;
            }

            public void Run()
            {
                _link.RunAttempt(_attempt, _clientId, _willTopic, _will, _subscriptions);
            }
        }

        /// <summary>Publishes with QoS 1 and waits for the PUBACK; false when it did not come in time or the link broke.</summary>
        public bool Publish(OutboundMessage m, int timeoutMillis)
        {
            if (!IsConnected) return false;
            ushort id;
            try
            {
                id = _client.Publish(m.Topic, m.Payload, null, null, MqttQoSLevel.AtLeastOnce, m.Retain);
            }
            catch (Exception)
            {
                return false;
            }
            int waited = 0;
            while (waited < timeoutMillis)
            {
                lock (_acked)
                {
                    if (_acked.Contains(id)) { _acked.Remove(id); return true; }
                }
                if (!IsConnected) return false;
                _ackSignal.WaitOne(50, false);
                waited += 50;
            }
            return false;
        }

        /// <summary>Messages received since the last call, as [topic, payload] pairs.</summary>
        public object[] TakeInbound()
        {
            lock (_inbound)
            {
                var all = _inbound.ToArray();
                _inbound.Clear();
                return all;
            }
        }

        /// <summary>Clean disconnect: DISCONNECT is sent, so the broker does not publish the last will.</summary>
        public void Disconnect()
        {
            if (_client != null && _client.IsConnected)
            {
                try { _client.Disconnect(); } catch (Exception) { }
            }
            Drop();
        }

        /// <summary>Forgets the connection without DISCONNECT (link lost, or before sleep after a failure).</summary>
        public void Drop()
        {
            if (_client == null) return;
            CloseQuietly(_client);
            _client = null;
            lock (_acked) _acked.Clear();
        }

        /// <summary>
        /// M2Mqtt takes the will message as a string and sends its UTF-8 bytes, so only a payload whose bytes
        /// are all below 0x80 survives unchanged; anything else (a CBOR map) is dropped rather than corrupted.
        /// </summary>
        public static string WillText(byte[] payload)
        {
            if (payload == null) return null;
            var chars = new char[payload.Length];
            for (int i = 0; i < payload.Length; i++)
            {
                if (payload[i] >= 0x80) return null;
                chars[i] = (char)payload[i];
            }
            return new string(chars);
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            if (!e.IsPublished) return;
            lock (_acked) _acked.Add(e.MessageId);
            _ackSignal.Set();
        }

        private void OnReceived(object sender, MqttMsgPublishEventArgs e)
        {
            lock (_inbound) _inbound.Add(new object[] { e.Topic, e.Message });
        }

        /// <summary>M2Mqtt raises this from its receive thread with the CONNACK, before Connect returns.</summary>
        private void OnOpened(object sender, ConnectionOpenedEventArgs e)
        {
            lock (_attemptLock)
            {
                _openedClient = sender;
                _openedSessionPresent = e.Message.SessionPresent;
            }
        }

        private void OnClosed(object sender, EventArgs e)
        {
            _closed = true;
            _ackSignal.Set();
        }
    }
}

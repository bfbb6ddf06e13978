using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;
using NodeFirmware.Core.Link;

namespace NodeFirmware.Device
{
    /// <summary>
    /// MQTT 3.1.1 over TLS 1.2 with the device certificate (nanoFramework.M2Mqtt): connect with the last will,
    /// subscribe, publish with QoS 1 and wait for each PUBACK (MqttMsgPublished), queue what arrives.
    /// M2Mqtt's own session state lives in RAM and dies with deep sleep; Core's journal is what counts.
    /// </summary>
    public class MqttLink
    {
        private const ushort KeepAliveSeconds = 60;

        private readonly string _host;
        private readonly int _port;
        private readonly X509Certificate _ca;
        private readonly X509Certificate2 _deviceCertificate;
        private readonly ArrayList _inbound = new ArrayList();
        private readonly ArrayList _acked = new ArrayList(); // message ids whose PUBACK came
        private readonly AutoResetEvent _ackSignal = new AutoResetEvent(false);
        private MqttClient _client;
        private bool _closed;

        /// <param name="caDer">Fleet CA certificate (DER) the broker's certificate must chain to.</param>
        /// <param name="certificateDer">Device certificate (DER), CN = device id.</param>
        /// <param name="privateKeyDer">Device key, PKCS#8 DER (mbedTLS parses DER and PEM alike).</param>
        public MqttLink(string host, int port, byte[] caDer, byte[] certificateDer, byte[] privateKeyDer)
        {
            _host = host;
            _port = port;
            _ca = new X509Certificate(caDer);
            _deviceCertificate = new X509Certificate2(certificateDer, privateKeyDer, null);
        }

        /// <summary>True when the last will could not be sent as given (see <see cref="WillText"/>).</summary>
        public bool WillDropped { get; private set; }

        public bool IsConnected
        {
            get { return _client != null && _client.IsConnected && !_closed; }
        }

        public bool Connect(string clientId, string willTopic, byte[] willPayload, string[] subscriptions, out string reason)
        {
            Drop();
            try
            {
                _closed = false;
                _client = new MqttClient(_host, _port, true, _ca, _deviceCertificate, MqttSslProtocols.TLSv1_2);
                _client.ProtocolVersion = MqttProtocolVersion.Version_3_1_1;
                _client.MqttMsgPublished += OnPublished;
                _client.MqttMsgPublishReceived += OnReceived;
                _client.ConnectionClosed += OnClosed;
                string will = WillText(willPayload);
                WillDropped = willPayload != null && will == null;
                bool hasWill = willTopic != null && will != null;
                // Not a clean session: the broker keeps QoS 1 commands that arrive while the node sleeps.
                MqttReasonCode code = _client.Connect(clientId, null, null, hasWill, MqttQoSLevel.AtLeastOnce, hasWill,
                    hasWill ? willTopic : null, hasWill ? will : null, false, KeepAliveSeconds);
                if (code != MqttReasonCode.Success)
                {
                    reason = "mqtt: CONNACK " + (int)code;
                    Drop();
                    return false;
                }
                if (subscriptions != null && subscriptions.Length > 0)
                {
                    var qos = new MqttQoSLevel[subscriptions.Length];
                    for (int i = 0; i < qos.Length; i++) qos[i] = MqttQoSLevel.AtLeastOnce;
                    _client.Subscribe(subscriptions, qos);
                }
                reason = null;
                return true;
            }
            catch (Exception e)
            {
                reason = "mqtt: " + e.Message;
                Drop();
                return false;
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
            try
            {
                _client.MqttMsgPublished -= OnPublished;
                _client.MqttMsgPublishReceived -= OnReceived;
                _client.ConnectionClosed -= OnClosed;
                _client.Close();
            }
            catch (Exception) { }
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

        private void OnClosed(object sender, EventArgs e)
        {
            _closed = true;
            _ackSignal.Set();
        }
    }
}

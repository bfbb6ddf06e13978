using System;
using NodeFirmware.Core.Link;
using NodeFirmware.Core.Node;

namespace NodeFirmware.Device
{
    /// <summary>
    /// The host loop: do what NodeApp.Next() asks (Connect, Publish, Listen, Disconnect, Sleep) and report the
    /// outcome back. Structurally the same as the virtual node's loop (tools/nodesim/NodeSim/Node/VirtualNode.cs),
    /// so what the HIL tests prove on the virtual rig is what runs here. Deep sleep ends the loop for good.
    /// </summary>
    public class AppHost
    {
        private readonly NodeApp _app;
        private readonly WifiLink _wifi;
        private readonly MqttLink _mqtt;

        public AppHost(NodeApp app, WifiLink wifi, MqttLink mqtt)
        {
            _app = app;
            _wifi = wifi;
            _mqtt = mqtt;
        }

        public void Run()
        {
            while (true)
            {
                HostRequest r = _app.Next();
                switch (r.Kind)
                {
                    case HostRequestKind.Connect:
                        Connect(r);
                        break;
                    case HostRequestKind.Publish:
                        Publish(r.Messages);
                        break;
                    case HostRequestKind.Listen:
                        Listen(r.ListenMilliseconds);
                        break;
                    case HostRequestKind.Disconnect:
                        _mqtt.Disconnect();
                        break;
                    case HostRequestKind.Sleep:
                        Sleep(r);
                        break;
                    default:
                        throw new InvalidOperationException("unknown host request " + (int)r.Kind);
                }
            }
        }

        private void Connect(HostRequest r)
        {
            string reason;
            // WifiNetworkHelper joins, waits for DHCP and sets the time in one call, and M2Mqtt does the TLS handshake
            // inside its connect: two phases are measured, DHCP and TLS are counted in them (-1).
            var timings = new LinkTimings();
            long mark = Environment.TickCount64;
            if (!_wifi.Connect(out reason))
            {
                _app.OnConnectFailed(reason);
                return;
            }
            timings.WifiJoinMillis = (int)(Environment.TickCount64 - mark);
            mark = Environment.TickCount64;
            if (!_mqtt.Connect(r.ClientId, r.WillTopic, r.WillPayload, r.Subscriptions, out reason))
            {
                _wifi.ForgetAddress(); // a reused address may be the reason: the next join asks DHCP
                _app.OnConnectFailed(reason);
                return;
            }
            timings.MqttConnectMillis = (int)(Environment.TickCount64 - mark);
            if (_mqtt.WillDropped) Console.WriteLine("mqtt: last will not sent: M2Mqtt carries only ASCII-safe will payloads");
            _app.OnConnected(timings);
        }

        private void Publish(OutboundMessage[] messages)
        {
            foreach (OutboundMessage m in messages)
            {
                if (!_mqtt.Publish(m, ConnectLimits.PublishAckMillis))
                {
                    _mqtt.Drop();
                    _app.OnLinkLost(_mqtt.IsConnected ? "acknowledgement timed out" : "connection lost");
                    return;
                }
                _app.OnPublishAcked(m.Token);
            }
        }

        private void Listen(int milliseconds)
        {
            if (milliseconds > 0) System.Threading.Thread.Sleep(milliseconds);
            foreach (object[] message in _mqtt.TakeInbound()) _app.OnMessage((string)message[0], (byte[])message[1]);
            if (!_mqtt.IsConnected) _app.OnLinkLost("connection lost while listening");
        }

        private void Sleep(HostRequest r)
        {
            if (r.DeepSleep)
            {
                _mqtt.Drop();
                _wifi.Disconnect();
                DeepSleep.Deep(r.SleepMilliseconds);
                return; // not reached
            }
            // Light sleep keeps the application; the connection is closed by then (Core disconnects first).
            if (!_mqtt.IsConnected) _wifi.Disconnect();
            DeepSleep.Light(r.SleepMilliseconds);
        }
    }
}
